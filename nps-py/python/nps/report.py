"""The NPS report of ``nps report``: every figure is computed once, by the
library, into one data model (`Report.figures`, a JSON-ready dict), then
rendered as a self-contained HTML page (`Report.to_html`: inline SVG charts
from `nps.plot`, inline CSS, no network) or as JSON (`Report.to_json`, the
same figures for a DMS to read).

One set of counts: the rows the report analyses are decided once, by one
`nps.group_by` call over the survey (`figures["counts"]`: rows read,
invalid scores, rows without a dealer, time or respondent, earlier answers
of repeat respondents; each row counted once, under the first reason the
library finds). Every section uses exactly those rows, so every section's
n adds up to `counts["analysed"]`. Units: percent for shares and rates,
minutes for times, NPS in points.

>>> import polars as pl
>>> df = pl.DataFrame({"dealer": ["a", "a", "b", "b"], "score": [10, 9, 0, 11]})
>>> r = nps.report.build(df, score="score", dealer="dealer")
>>> r.figures["counts"]["analysed"], r.figures["counts"]["invalid_scores"]
(3, 1)
>>> round(r.figures["headline"]["nps"], 6)
33.333333
"""

from __future__ import annotations

import datetime as dt
import html
import importlib
import io
import json
import math
from dataclasses import dataclass, field
from typing import Any, Callable

import nps
from nps import _report_flow, _report_staffing
from nps import kpi as _kpi

__all__ = ["Report", "build", "ROW"]

#: Name of the row-number column the report adds to the survey (0-based).
ROW = "__nps_row"
# Intervals, tests, thin-group thresholds and integrity alpha are nps-core's
# defaults (not passed here); the figures say which were used.


def _pct(x: float | None) -> float | None:
    """A share (0..1) as percent: the report's one unit for shares and rates."""
    return None if x is None else 100.0 * x


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 60.0


def _rate(r: Any) -> dict[str, Any]:
    """A library rate (value, numerator, denominator) in percent."""
    return {"percent": _pct(r.value), "numerator": r.numerator, "denominator": r.denominator}


def _tally(t: nps.Tally) -> dict[str, Any]:
    if t.n == 0:
        return {"n": 0, "nps": None, "low": None, "high": None, "detractors": 0,
                "passives": 0, "promoters": 0}
    iv = t.interval()
    return {"n": t.n, "nps": t.nps, "low": iv.low, "high": iv.high,
            "detractors": t.detractors, "passives": t.passives, "promoters": t.promoters}


def _test(r: nps.TestResult) -> dict[str, Any]:
    return {"difference": r.difference, "low": r.interval.low, "high": r.interval.high,
            "p_value": r.p_value, "method": r.method,
            "confidence_percent": 100 * r.interval.confidence}


def _key(k: Any) -> Any:
    return list(k) if isinstance(k, tuple) else k


@dataclass
class Report:
    """The report's figures (`figures`, JSON-ready) and the library results
    its charts are drawn from (`results`)."""

    figures: dict[str, Any]
    results: dict[str, Any] = field(default_factory=dict, repr=False)

    def to_json(self, indent: int | None = 2) -> str:
        """The figures as JSON (NaN never appears: no data is null)."""
        return json.dumps(self.figures, indent=indent, ensure_ascii=False, allow_nan=False,
                          default=str)

    def summary(self) -> str:
        """A short plain-text summary (a few lines) for the terminal."""
        return _summary(self.figures)

    def to_html(self, charts: bool = True) -> str:
        """The self-contained HTML page (inline CSS and SVG; readable on a
        phone, printable). Charts need matplotlib (`nps.plot`); without it
        the page says so and shows the tables."""
        return _render_html(self, charts)


# ---------------------------------------------------------------------------
# Building the figures


def _used_rows(df: Any, score: str, time: str | None, tz: str | None, dealer: str | None,
               respondent: str | None, invalid: Any) -> tuple[dict[str, Any], list[int]]:
    """The one exclusion pass: grouping by (dealer, row) with the report's
    options, the library skips and counts invalid scores, missing keys,
    times and respondents, and drops earlier answers of repeat respondents;
    the surviving groups are the rows every section uses."""
    by = [dealer, ROW] if dealer else [ROW]
    g = nps.group_by(df, by=by, score=score, time=time, tz=tz, respondent=respondent,
                     invalid=invalid)
    rows = sorted(int(k[-1] if isinstance(k, tuple) else k)  # type: ignore[arg-type]
                  for k in (x.key for x in g))
    counts = {
        "rows": int(df.height),
        "invalid_scores": g.skipped,
        "missing_dealer": g.skipped_keys if dealer else None,
        "missing_time": g.skipped_timestamps if time else None,
        "missing_respondent": g.skipped_respondents if respondent else None,
        "repeat_answers": g.dropped_repeats if respondent else None,
        "analysed": g.total().n,
    }
    return counts, rows


def build(df: Any, *, score: str, time: str | None = None, tz: str | None = None,
          dealer: str | None = None, advisor: str | None = None,
          respondent: str | None = None, policy: nps.Policy | None = None,
          cases: list[nps.Case] | None = None, complaints: Any = None, jobs: Any = None,
          goal: float | None = None, goal_months: int = 12,
          goal_plan_start: str | None = None, adjust: str | None = "holm",
          window: int = 3, invalid: Any = "skip", source: str | None = None,
          economics: dict[str, Any] | None = None,
          loyalty: dict[str, Any] | None = None, flow: Any = None,
          roster: Any = None) -> Report:
    """Computes every figure of the report from a polars DataFrame `df` (the
    survey export) and the optional inputs. Column arguments name columns
    of `df`; `invalid="raise"` makes the first invalid score (or missing
    key, time or respondent) an error instead of a counted exclusion;
    `complaints` (stage, pain_point, pain[, dealer, submitted_at])
    and `jobs` (repair orders) are polars DataFrames, `cases` a list of
    `nps.Case`; `economics` (see `_economics`) adds the service economics
    section; `loyalty` (see `nps._report_loyalty.compute`) adds "What NPS
    is worth here"; `flow` (a repair-order milestone table: ro, milestone,
    at[, dealer]) the workshop-flow section (`nps._report_flow`) and the
    staffing section (`nps._report_staffing`: the arrivals of the milestone
    table by weekday and hour, in the policy's business calendar when it
    has one; `roster` an int or `{(weekday, hour): servers}` adds the
    predicted waits and the unstable hours). Sections
    whose inputs are missing are listed in
    `figures["not_included"]` with the option that adds them."""
    import polars as pl

    if respondent and not time:
        raise nps.InvalidArgumentError(
            "respondent: keeping each respondent's latest answer needs the time column")
    policy = policy or nps.Policy.default()
    df = df.with_row_index(ROW)
    counts, rows = _used_rows(df, score, time, tz, dealer, respondent, invalid)
    used = df.filter(pl.col(ROW).is_in(rows))
    tz_used = (tz or "UTC") if time else None
    common: dict[str, Any] = dict(score=score, time=time, tz=tz, invalid="raise")
    res: dict[str, Any] = {}
    f: dict[str, Any] = {
        "title": "Customer recommendation (NPS) report",
        "source": source,
        "nps_version": nps.__version__,
        "columns": {"score": score, "time": time, "tz": tz_used, "dealer": dealer,
                    "advisor": advisor, "respondent": respondent},
        "settings": {"rolling_window_months": window, "adjust": adjust},
        "counts": counts,
        "not_included": [],
    }
    missing = f["not_included"]
    if not respondent:
        missing.append({"section": "Only each respondent's latest answer counted (repeat "
                        "answers are counted as separate responses)",
                        "needs": "--respondent (the respondent id column) and --time"})

    # Network: one tally over the analysed rows.
    whole = nps.group_by(used, score=score, invalid="raise")
    network = whole.total()
    iv = network.interval()
    f["settings"].update(interval=iv.method, confidence_percent=100 * iv.confidence,
                         min_n=whole.min_n)
    res["network"] = network
    f["network"] = _tally(network)
    f["headline"] = dict(_tally(network))
    f["headline"].update({"last_period": None, "previous_period": None, "change": None,
                          "goal": None})

    months: list[str] = []
    if time:
        trend = nps.group_by(used, period="month", **common)
        res["trend"] = trend
        rolling = trend.rolling(window)
        f["trend"] = {
            "periods": [dict(period=g.period, **_tally(g.tally), thin=g.thin) for g in trend],
            "rolling": [dict(period=g.period, **_tally(g.tally), complete=g.complete)
                        for g in rolling],
        }
        months = [str(g.period) for g in trend]
        if len(trend) >= 2:
            last, prev = trend[len(trend) - 1], trend[len(trend) - 2]
            # One test: no adjustment; `significant` is nps-core's rule.
            one = nps.compare_many([(last.tally, prev.tally)], adjust=None)[0]
            ch = _test(one.result)
            ch["beyond_noise"] = one.significant
            f["headline"].update(last_period=dict(period=last.period, **_tally(last.tally)),
                                 previous_period=dict(period=prev.period, **_tally(prev.tally)),
                                 change=ch)
    else:
        missing.append({"section": "Monthly trend and change since last month",
                        "needs": "--time (the submission time column)"})

    if dealer:
        by_dealer = nps.group_by(used, by=dealer, score=score, invalid="raise")
        res["dealers"] = by_dealer
        f["dealers"] = [dict(dealer=_key(g.key), **_tally(g.tally), thin=g.thin)
                        for g in by_dealer]
        if time:
            grid = nps.group_by(used, by=dealer, period="month", **common)
            res["grid"] = grid
            f["grid"] = {"months": months,
                         "cells": [dict(dealer=_key(g.key), period=g.period, **_tally(g.tally),
                                        thin=g.thin) for g in grid]}
            f["changes"], res["changes"] = _changes(grid, months, adjust)
    else:
        missing.append({"section": "Dealers compared with the network",
                        "needs": "--dealer (the dealer column)"})
    if not (dealer and time):
        missing.append({"section": "Dealers month by month and their month-on-month changes",
                        "needs": " and ".join(str(x) for x, have in (("--dealer", dealer),
                                                                 ("--time", time)) if not have)})

    if goal is not None and time:
        history = [g.tally for g in res["trend"]]
        labels = [g.period for g in res["trend"]]
        start = None
        if goal_plan_start is not None:
            if goal_plan_start not in labels:
                raise ValueError(f"goal_plan_start {goal_plan_start!r} is not a month of the "
                                 f"data (months: {', '.join(str(x) for x in labels)})")
            start = labels.index(goal_plan_start)
        if history:
            track = nps.track_goal(history, target=goal, months=goal_months, plan_start=start)
            res["goal"] = track
            f["goal"] = _goal(track, labels)
            f["headline"]["goal"] = f["goal"]
    else:
        missing.append({"section": "Goal tracking",
                        "needs": " and ".join(x for x, have in (("--goal (target NPS)", goal
                                                                  is not None),
                                                                 ("--time", time)) if not have)})

    if advisor:
        keys = [dealer, advisor] if dealer else [advisor]
        adv = nps.group_by(used, by=keys, score=score, invalid="raise")
        f["advisors"] = [dict(advisor=_key(g.key), **_tally(g.tally), thin=g.thin)
                         for g in adv]
    else:
        missing.append({"section": "Advisors", "needs": "--advisor (the advisor column)"})

    f["integrity"] = _integrity(used, score, dealer, advisor)

    if complaints is not None:
        f["journey"], res["heat"] = _journey(complaints, tz)
    else:
        missing.append({"section": "Customer journey pain points (heat map, Pareto)",
                        "needs": "--complaints complaints.csv"})
    if jobs is not None:
        f["kpi"], res["scorecard"] = _kpis(jobs, policy)
    else:
        missing.append({"section": "Service KPI scorecard",
                        "needs": "--jobs jobs.csv (repair orders)"})
    if cases is not None:
        f["recovery"], res["recovery"] = _recovery(cases, policy, tz)
    else:
        missing.append({"section": "Detractor recovery funnel",
                        "needs": "--cases cases.json (recovery case event logs)"})

    if economics is not None:
        f["economics"], res["economics"] = _economics(economics)
    else:
        missing.append({"section": "Service economics and strategic position (service P&L, "
                        "strategic value matrix, lifecycle service cost)",
                        "needs": "--ledger ledger.csv [--region-measures m.csv] "
                                 "[--fleet units.csv events.csv]"})
    if loyalty is not None:  # what NPS is worth (nps.loyalty)
        from nps import _report_loyalty

        f["loyalty"], res["loyalty"] = _report_loyalty.compute(loyalty)
    else:
        missing.append({"section": "What NPS is worth here (outcomes by score)",
                        "needs": "--outcomes outcomes.csv"})
    if flow is not None:  # workshop flow (nps.flow; issue 14)
        f["flow"], res["flow"] = _report_flow.figures(flow, tz=tz)
        f["staffing"], res["staffing"] = _report_staffing.figures(
            flow, tz=tz, calendar=policy.calendar, roster=roster)
    else:
        missing.append({"section": "Workshop flow (value stream, promises, progress updates)",
                        "needs": "--milestones milestones.csv (repair-order milestones)"})
        missing.append({"section": "Staffing by the hour (arrivals, advisors needed)",
                        "needs": "--milestones milestones.csv [--roster N|roster.csv]"})

    if network.n:
        det, _, pro = network.shares
        f["planning"] = {"margin_points": 5.0,
                         "responses_per_dealer_month": nps.sample_size(
                             margin=5.0, promoters=pro, detractors=det)}
    return Report(f, res)


def _changes(grid: nps.GroupResult, months: list[str], adjust: str | None
             ) -> tuple[dict[str, Any], tuple[list[Any], list[nps.AdjustedComparison]]]:
    """Last month against the month before, per dealer, with the p-values
    adjusted for the number of dealers tested (`nps.compare_many`); also the
    dealers tested and their comparisons, for the chart."""
    out: dict[str, Any] = {"from": None, "to": None, "adjust": adjust, "tests": 0, "rows": [],
                           "adjusted": adjust is not None}
    if len(months) < 2:
        return out, ([], [])
    prev, last = months[-2], months[-1]
    out.update({"from": prev, "to": last})
    cells = {(g.key, g.period): g.tally for g in grid}
    dealers = list(dict.fromkeys(g.key for g in grid))
    pairs, names = [], []
    rows: dict[Any, dict[str, Any]] = {}
    for d in dealers:
        a, b = cells.get((d, last)), cells.get((d, prev))
        if a is None or b is None or a.n == 0 or b.n == 0:
            rows[d] = {"dealer": _key(d), "difference": None, "low": None, "high": None,
                       "p_value": None, "p_adjusted": None, "verdict": "no data in one month"}
            continue
        pairs.append((a, b))
        names.append(d)
    many = nps.compare_many(pairs, adjust=adjust)  # type: ignore[arg-type]  # CLI choices
    for d, x in zip(names, many):
        row = {"dealer": _key(d), **_test(x.result),
               "p_adjusted": x.p_adjusted if adjust else None}
        row["verdict"] = "change beyond noise" if x.significant else "within noise"
        rows[d] = row
    out["tests"] = len(pairs)
    out["rows"] = [rows[d] for d in dealers]
    return out, ([_key(d) for d in names], many)


def _goal_plan(plan: Any, labels: list[Any]) -> dict[str, Any]:
    """The plan against the actuals (nps-core's goal plan), months labelled."""
    pr = plan.projected
    return {
        "start": labels[plan.start], "start_value": plan.start_value, "due": plan.due,
        "trend_per_month": plan.trend,
        "months": [{"period": labels[plan.start + m.month], "month": m.month,
                    "planned": m.planned, "actual": m.actual, "low": m.low, "high": m.high,
                    "n": m.n, "status": m.status} for m in plan.months],
        "projected": {"status": pr.status, "month": pr.month, "low": pr.low, "high": pr.high},
    }


def _goal(track: nps.GoalReport, labels: list[Any] | None = None) -> dict[str, Any]:
    lc = track.last_change
    plan = getattr(track, "plan", None)
    return {
        "plan": None if plan is None else _goal_plan(plan, labels or []),
        "target": track.target, "months": track.months, "current": track.current,
        "gap": track.gap, "monthly_step": track.monthly_step, "path": list(track.path),
        "reached": track.gap <= 0,
        "last_change": None if lc is None else _test(lc),
        "last_change_significant": track.last_change_significant,
        "minimum_detectable_change": track.minimum_detectable_change,
        "step_detectable": track.step_detectable,
        "responses_per_month_to_see_step": track.n_per_month_to_detect_step,
        # The trend of the months so far and the month it reaches the target
        # (nps-core's goal tracking; absent from older builds).
        "trend_per_month": getattr(track, "trend", None),
        "projected_months": getattr(track, "projected_months", None),
        "on_track": _on_track(track),
    }


def _on_track(track: nps.GoalReport) -> bool | None:
    """True when the trend reaches the target within the plan's months
    (or it is reached), False when it does not or does not rise, None
    when this build of nps projects no trend."""
    if track.gap <= 0:
        return True
    if not hasattr(track, "projected_months") or getattr(track, "trend", None) is None:
        return None
    projected = track.projected_months
    return projected is not None and projected <= track.months


def _integrity(used: Any, score: str, dealer: str | None, advisor: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"alpha": None, "groups": []}
    for level, keys in (("dealer", [dealer] if dealer else None),
                        ("advisor", [k for k in (dealer, advisor) if k] if advisor else None)):
        if not keys:
            continue
        flags = nps.managed_flags(used, by=keys, score=score, invalid="raise")
        out["alpha"], out["correction"] = flags.alpha, flags.correction
        out["groups"].append({
            "level": level, "tests": flags.comparisons, "threshold": flags.threshold,
            "n": sum(r.n for r in flags if r.test == "tens"),
            "flagged": [{"key": _key(r.key), "test": r.test, "n": r.n, "observed": r.observed,
                         "share_percent": _pct(r.share),
                         "network_share_percent": _pct(r.network_share),
                         "p_value": r.p_value} for r in flags.flagged()],
        })
    return out


def _journey(c: Any, tz: str | None) -> tuple[dict[str, Any], Any]:
    cols = c.columns
    for need in ("stage", "pain_point", "pain"):
        if need not in cols:
            raise _MissingColumn("complaints", need, cols)
    kw: dict[str, Any] = {}
    if "dealer" in cols:
        kw["by"] = c["dealer"].to_list()
    h = nps.HeatMap.from_records(c["stage"].to_list(), c["pain_point"].to_list(),
                                 c["pain"].to_list(), **kw)
    ranked = h.ranked().to_dict()
    vital = h.pareto(0.8).to_dict()
    stages = h.by_stage().to_dict()
    return ({
        "records": int(c.height),
        "pain_points": [{"rank": ranked["rank"][i], "stage": ranked["stage"][i],
                         "point": ranked["point"][i], "mentions": ranked["mentions"][i],
                         "pain": ranked["pain"][i], "heat": ranked["heat"][i],
                         "share_percent": _pct(ranked["share"][i]),
                         "cumulative_percent": _pct(ranked["cumulative_share"][i])}
                        for i in range(len(ranked["rank"]))],
        "vital_few": vital["point"],
        "stages": [{"stage": stages["stage"][i], "heat": stages["heat"][i],
                    "share_percent": _pct(stages["share"][i])}
                   for i in range(len(stages["stage"]))],
    }, h)


_JOB_COLUMNS = ("vehicle", "opened_at", "closed_at")


def _kpis(j: Any, policy: nps.Policy) -> tuple[dict[str, Any], Any]:
    cols = j.columns
    for need in _JOB_COLUMNS:
        if need not in cols:
            raise _MissingColumn("jobs", need, cols)
    by = j["dealer"] if "dealer" in cols else None
    comp = j["complaint"] if "complaint" in cols else None
    results: dict[str, Any] = {
        "first_time_fix_rate": _kpi.first_time_fix_rate(j["vehicle"], j["opened_at"],
                                                        j["closed_at"], complaints=comp, by=by),
        "comeback_rate": _kpi.comeback_rate(j["vehicle"], j["opened_at"], j["closed_at"],
                                            complaints=comp, by=by),
    }
    if "operation" in cols:
        # Resolution episodes of the same chains: was the first diagnosis
        # right, and how many visits did a complaint take?
        results["diagnosis_accuracy"] = _kpi.diagnosis_accuracy(
            j["vehicle"], j["opened_at"], j["closed_at"], j["operation"], complaints=comp, by=by)
        results["visits_per_resolution"] = _kpi.visits_per_resolution(
            j["vehicle"], j["opened_at"], j["closed_at"], complaints=comp, by=by)
    if {"arrived_at", "greeted_at"} <= set(cols):
        results["reception_response_minutes"] = _kpi.reception_response_time(
            j["arrived_at"], j["greeted_at"], by=by)
    if {"finished_at", "left_at"} <= set(cols):
        results["delivery_minutes"] = _kpi.delivery_time(j["finished_at"], j["left_at"], by=by)
    card = _kpi.scorecard(results, policy)
    lines = []
    for line in card:
        overall = results[line.kpi].overall
        # Reception and delivery are per-visit standards: judged by the
        # share of visits within the standard (percent, like the rates);
        # the standard, mean and p90 are shown in minutes beside it.
        is_time = line.standard_minutes is not None
        # Visits per resolution is a mean number of visits, not a share.
        scale = (lambda v: v) if line.unit == "visits" else _pct
        lines.append({
            "kpi": line.kpi, "status": line.status,
            "value": scale(line.value),
            "unit": "visits" if line.unit == "visits" else "percent",
            "benchmark_min": scale(line.min),
            "benchmark_max": scale(line.max),
            "standard_minutes": line.standard_minutes,
            "mean_minutes": _minutes(overall.mean) if is_time else None,
            "p90_minutes": _minutes(overall.p90) if is_time else None,
            "n": int(overall.n if is_time else overall.denominator),
        })
    return {"jobs": int(j.height), "scorecard": lines}, card


def _recovery(cases: list[nps.Case], policy: nps.Policy, tz: str | None
              ) -> tuple[dict[str, Any], Any]:
    s: Any = nps.recovery_stats(cases, policy=policy)
    return ({
        "cases": len(cases),
        "low_scores": s.low_scores, "launched": s.launched, "responded_24h": s.responded_24h,
        "recovered": s.recovered, "converted": s.converted, "lost": s.lost,
        "launch_rate": _rate(s.launch_rate), "response_24h_rate": _rate(s.response_24h_rate),
        "success_rate": _rate(s.success_rate), "conversion_rate": _rate(s.conversion_rate),
        "lost_rate": _rate(s.lost_rate),
        "reasons": [{"reason": k, **_rate(v)} for k, v in s.reasons],
        # Success by the strongest apology channel used and by compensation
        # against the customer's expectation (the source: visits 82 % vs
        # phone 55 %; over expectation 78 % vs standard 55 %).
        "by_channel": [{"label": b.label, **_rate(b.success)} for b in s.by_channel],
        "by_expectation": [{"label": b.label, **_rate(b.success)} for b in s.by_expectation],
    }, s)


class _MissingColumn(nps.InvalidArgumentError):
    """A column the report needs is not in an input file."""

    def __init__(self, what: str, column: str, columns: list[str]) -> None:
        super().__init__(f"{what}: no column {column!r}; the columns are: {', '.join(columns)}")


# ---------------------------------------------------------------------------
# Text summary


def _f(x: float | None, nd: int = 1, sign: bool = False) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:+.{nd}f}" if sign else f"{x:.{nd}f}"


def _summary(f: dict[str, Any]) -> str:
    h, c = f["headline"], f["counts"]
    conf = _f(f["settings"]["confidence_percent"], 0)
    lines = [f"NPS {_f(h['nps'])} ({conf}% interval {_f(h['low'])} to {_f(h['high'])}), "
             f"{c['analysed']} responses analysed of {c['rows']} rows"]
    ch = h.get("change")
    if ch:
        lines.append(f"Change {h['previous_period']['period']} -> {h['last_period']['period']}: "
                     f"{_f(ch['difference'], sign=True)} points, "
                     + ("beyond noise" if ch["beyond_noise"] else "within noise")
                     + f" (p = {ch['p_value']:.3f})")
    chg = f.get("changes")
    if chg and chg["from"]:
        moved = [f"{x['dealer']} ({_f(x['difference'], sign=True)})" for x in chg["rows"]
                 if x["verdict"] == "change beyond noise"]
        name = {"holm": "Holm", "bh": "Benjamini-Hochberg"}.get(chg["adjust"] or "", "")
        how = f"{name}-adjusted, " if chg["adjusted"] else "not adjusted, "
        lines.append(f"Dealers changed beyond noise since {chg['from']} ({how}"
                     f"{chg['tests']} tests): " + (", ".join(moved) if moved else "none"))
    g = h.get("goal")
    if g:
        lines.append(_goal_sentence(g))
    ig = [x for grp in f["integrity"]["groups"] for x in grp["flagged"]]
    if ig:
        keys = list(dict.fromkeys(" ".join(map(str, x["key"])) if isinstance(x["key"], list)
                                  else str(x["key"]) for x in ig))
        lines.append("Scores that look managed (review how surveys are collected): "
                     + ", ".join(keys))
    if f["not_included"]:
        lines.append("Not included (inputs not given): "
                     + "; ".join(f"{m['section']} ({m['needs']})" for m in f["not_included"]))
    return "\n".join(lines)


def _plan_sentence(p: dict[str, Any]) -> str:
    """Where the plan started from, how many months are behind or ahead
    beyond noise, and when the target is reached at the trend."""
    st = [m["status"] for m in p["months"]]
    s = (f"Against the plan from {p['start']} ({_f(p['start_value'])}): "
         f"{st.count('ahead')} months ahead, {st.count('on_track')} on track, "
         f"{st.count('behind')} behind beyond noise")
    pr = p["projected"]
    if pr["status"] == "projected":
        hi = "unbounded" if pr["high"] is None else str(pr["high"])
        s += (f"; at the trend the target is reached in month {pr['month']} of the plan "
              f"(interval {pr['low']} to {hi}; due in month {p['due']})")
    elif pr["status"] == "not_reachable":
        s += "; the target is not reachable at the current trend"
    elif pr["status"] == "reached":
        s += "; the target is reached"
    else:
        s += "; too few months for a trend"
    return s + "."


def _goal_sentence(g: dict[str, Any]) -> str:
    if g["reached"]:
        return f"Goal NPS {_f(g['target'])}: reached (last month {_f(g['current'])})."
    s = (f"Goal NPS {_f(g['target'])} in {g['months']} months: last month {_f(g['current'])}, "
         f"needs {_f(g['monthly_step'], 2, sign=True)} points a month")
    if g.get("on_track") is not None:
        trend = _f(g["trend_per_month"], 2, sign=True)
        if g["projected_months"] is None:
            s += f"; not on track: the trend so far is {trend} points a month"
        else:
            s += (f"; {'on track' if g['on_track'] else 'not on track'}: at the trend so far "
                  f"({trend} points a month) the target is reached in "
                  f"{g['projected_months']} months")
    if g["step_detectable"] is False:
        s += (f"; a step that size is not visible month to month at these sample sizes "
              f"(about {g['responses_per_month_to_see_step']} responses a month would show it)")
    return s + "."


# ---------------------------------------------------------------------------
# HTML

_CSS = """
:root{--fg:#1d2733;--muted:#5b6776;--line:#d7dde4;--bg:#fff;--good:#1a7f37;--bad:#b42318;
--warn:#9a6700;--accent:#0b5cad}
*{box-sizing:border-box}
body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;
color:var(--fg);background:var(--bg);margin:0 auto;padding:1rem;max-width:60rem}
h1{font-size:1.6rem;margin:.2rem 0 .6rem}h2{font-size:1.25rem;margin:2rem 0 .5rem;
border-bottom:2px solid var(--line);padding-bottom:.2rem}h3{font-size:1.05rem}
.muted,.note{color:var(--muted);font-size:.9rem}
.headline{display:flex;flex-wrap:wrap;gap:.8rem;margin:.8rem 0}
.card{flex:1 1 13rem;border:1px solid var(--line);border-radius:.5rem;padding:.7rem .9rem}
.card .big{font-size:2rem;font-weight:700}
.good{color:var(--good)}.bad{color:var(--bad)}.warn{color:var(--warn)}
figure{margin:.8rem 0}figure svg{width:100%;height:auto;max-width:100%}
figcaption{color:var(--muted);font-size:.9rem}
.scroll{overflow-x:auto}
table{border-collapse:collapse;font-size:.9rem;margin:.5rem 0;min-width:50%}
th,td{border-bottom:1px solid var(--line);padding:.25rem .5rem;text-align:right;
white-space:nowrap}
th:first-child,td:first-child{text-align:left;white-space:normal;min-width:8rem}
th{background:#f3f5f8}
.light{display:inline-block;width:.8rem;height:.8rem;border-radius:50%;
vertical-align:middle;margin-right:.3rem}
.meets{background:var(--good)}.misses{background:var(--bad)}.no_data,.no_benchmark{background:#9aa4b1}
details{margin:.5rem 0}summary{cursor:pointer;color:var(--accent)}
@media (max-width:40rem){body{font-size:15px;padding:.6rem}.card .big{font-size:1.6rem}
th,td{padding:.2rem .3rem}}
@media print{body{max-width:none;padding:0;font-size:11pt}details>*{display:block}
details summary{display:none}h2{break-after:avoid}figure,table,.card{break-inside:avoid}
a{color:inherit;text-decoration:none}}
"""


def _esc(x: Any) -> str:
    if isinstance(x, list):
        x = " ".join(str(v) for v in x)
    return html.escape("" if x is None else str(x))


def _num(x: Any, nd: int = 1, sign: bool = False) -> str:
    """A number as the HTML shows it, with its exact value in data-value."""
    if x is None:
        return '<td data-value="">n/a</td>'
    if isinstance(x, bool):
        return f"<td>{'yes' if x else 'no'}</td>"
    if isinstance(x, int):
        return f'<td data-value="{x}">{x}</td>'
    return f'<td data-value="{x!r}">{_f(x, nd, sign)}</td>'


def _bounds(lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return f"{_f(lo)} to {_f(hi)}"
    if lo is not None:
        return f"&ge; {_f(lo)}"
    return "none" if hi is None else f"&le; {_f(hi)}"


def _table(headers: list[str], rows: list[list[str]], name: str) -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(r) + "</tr>" for r in rows)
    return (f'<div class="scroll"><table data-table="{name}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def _svg(draw: Callable[[Any], Any], size: tuple[float, float]) -> str:
    """One chart drawn by an `nps.plot` function as inline SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=size, layout="constrained")
    try:
        draw(ax)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    finally:
        plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _figure(charts: dict[str, Any], name: str, draw: Callable[[Any], Any],
            size: tuple[float, float], caption: str) -> str:
    if charts.get("__off__"):
        return ""
    try:
        svg = _svg(draw, size)
    except Exception as e:  # a chart that cannot be drawn must not lose the report
        charts.setdefault("__errors__", []).append(f"{name}: {e}")
        return f'<p class="note">Chart "{_esc(name)}" could not be drawn: {_esc(e)}</p>'
    return (f'<figure data-chart="{name}">{svg}<figcaption>{_esc(caption)}</figcaption>'
            "</figure>")


def _render_html(r: Report, charts_on: bool) -> str:
    f, res = r.figures, r.results
    plot: Any = None
    charts: dict[str, Any] = {}
    if charts_on:
        try:
            plot = importlib.import_module("nps.plot")
        except ImportError:
            plot = None
    if plot is None:
        charts["__off__"] = True
    c, h = f["counts"], f["headline"]
    conf = _f(f["settings"]["confidence_percent"], 0)
    out: list[str] = []
    add = out.append
    add(f"<h1>{_esc(f['title'])}</h1>")
    add(f'<p class="muted">Source: {_esc(f["source"] or "data frame")}; '
        f"nps {_esc(f['nps_version'])}; intervals are {conf}% {_esc(f['settings']['interval'])} "
        f"intervals; groups under {f['settings']['min_n']} responses are marked thin.</p>")

    # Headline
    add('<section id="headline"><h2>At a glance</h2><div class="headline">')
    add(f'<div class="card" data-figure="network"><div>Network NPS</div>'
        f'<div class="big" data-value="{h["nps"]!r}">{_f(h["nps"])}</div>'
        f'<div class="muted">{conf}% interval <span data-value="{h["low"]!r}">{_f(h["low"])}</span>'
        f' to <span data-value="{h["high"]!r}">{_f(h["high"])}</span>; '
        f"n = {h['n']}</div></div>")
    ch = h.get("change")
    if ch:
        cls = "good" if ch["beyond_noise"] and ch["difference"] > 0 else (
            "bad" if ch["beyond_noise"] else "")
        verdict = ("beyond noise" if ch["beyond_noise"] else
                   "within noise: not distinguishable from chance")
        add(f'<div class="card" data-figure="change"><div>Change {_esc(h["previous_period"]["period"])}'
            f" → {_esc(h['last_period']['period'])}</div>"
            f'<div class="big {cls}" data-value="{ch["difference"]!r}">'
            f"{_f(ch['difference'], sign=True)}</div>"
            f'<div class="muted">{verdict} (p = {ch["p_value"]:.3f}; '
            f"{_f(h['previous_period']['nps'])} → {_f(h['last_period']['nps'])})</div></div>")
    g = h.get("goal")
    if g:
        cls = "good" if g["reached"] or g.get("on_track") else (
            "bad" if g.get("on_track") is False else "")
        add(f'<div class="card" data-figure="goal"><div>Goal</div>'
            f'<div class="big {cls}" data-value="{g["target"]!r}">{_f(g["target"])}</div>'
            f'<div class="muted">{_esc(_goal_sentence(g))}</div></div>')
    add("</div>")
    if f["not_included"]:
        add('<p class="note" id="not-included">Not in this report, because the input was not '
            "given: " + "; ".join(f"{_esc(m['section'])} (add {_esc(m['needs'])})"
                                  for m in f["not_included"]) + ".</p>")
    add("</section>")

    # Counts
    labels = [("rows", "Rows in the file"), ("invalid_scores", "Invalid or blank scores"),
              ("missing_dealer", "Rows without a dealer"), ("missing_time", "Rows without a time"),
              ("missing_respondent", "Rows without a respondent id"),
              ("repeat_answers", "Earlier answers of repeat respondents (latest kept)"),
              ("analysed", "Responses analysed")]
    rows = [[f"<td>{_esc(lbl)}</td>", _num(c[k])] for k, lbl in labels if c.get(k) is not None]
    add('<section id="counts"><h2>Which responses are counted</h2>'
        '<p>Every exclusion is counted once, here, under the first reason found. '
        "Every figure below uses the same analysed responses, so each section's "
        "counts add up to the last line.</p>" + _table(["", "rows"], rows, "counts")
        + "</section>")

    if "trend" in f:
        add('<section id="trend"><h2>How the network NPS moves month by month</h2>')
        w = f["settings"]["rolling_window_months"]
        add(_figure(charts, "trend", lambda ax: plot.trend(res["trend"], ax=ax, rolling=w),
                    (8, 3.6), f"Monthly NPS with its {conf}% interval band; the line is the rolling "
                    f"{w}-month NPS (complete windows solid; the first {w - 1} months have "
                    "partial windows and are marked)."))
        rows = []
        roll = {x["period"]: x for x in f["trend"]["rolling"]}
        for p in f["trend"]["periods"]:
            rr = roll.get(p["period"], {})
            rows.append([f"<td>{_esc(p['period'])}</td>", _num(p["n"]), _num(p["nps"]),
                         _num(p["low"]), _num(p["high"]), _num(rr.get("nps")),
                         f"<td>{'complete' if rr.get('complete') else 'partial window'}</td>"])
        add("<details><summary>Monthly figures</summary>" + _table(
            ["month", "n", "NPS", "low", "high", f"rolling {w}-month NPS", "window"], rows,
            "trend") + "</details></section>")

    if "dealers" in f:
        add('<section id="dealers"><h2>Dealers compared with the network</h2>')
        add(_figure(charts, "forest", lambda ax: plot.forest(res["dealers"], reference=res[
            "network"], ax=ax), (8, max(2.5, 0.45 * len(f["dealers"]) + 1)),
            f"Each dealer's NPS with its {conf}% interval; the vertical line is the network NPS. "
            f"Hollow points: fewer than {f['settings']['min_n']} responses."))
        rows = [[f"<td>{_esc(d['dealer'])}</td>", _num(d["n"]), _num(d["nps"]), _num(d["low"]),
                 _num(d["high"]), f"<td>{'thin' if d['thin'] else ''}</td>"] for d in f["dealers"]]
        add(_table(["dealer", "n", "NPS", "low", "high", ""], rows, "dealers") + "</section>")

    if "grid" in f:
        add('<section id="grid"><h2>Dealers month by month</h2>')
        add(_figure(charts, "grid", lambda ax: plot.grid(res["grid"], value="nps",
                                                         mark_thin=True, ax=ax),
                    (9, max(2.5, 0.45 * len(f.get("dealers", [])) + 1.5)),
                    f"NPS of each dealer and month; cells with fewer than "
                    f"{f['settings']['min_n']} responses are marked thin: read them with "
                    "care."))
        months = f["grid"]["months"]
        cell = {(str(x["dealer"]), x["period"]): x for x in f["grid"]["cells"]}
        rows = []
        for d in dict.fromkeys(str(x["dealer"]) for x in f["grid"]["cells"]):
            row = [f"<td>{_esc(d)}</td>"]
            for m in months:
                x = cell.get((d, m))
                if x is None or x["nps"] is None:
                    row.append('<td data-value="">–</td>')
                else:
                    mark = "*" if x["thin"] else ""
                    row.append(f'<td data-value="{x["nps"]!r}" title="n = {x["n"]}">'
                               f"{_f(x['nps'])}{mark}</td>")
            rows.append(row)
        add("<details><summary>Dealer by month figures (* thin)</summary>"
            + _table(["dealer", *months], rows, "grid") + "</details>")
        add("</section>")

    if "changes" in f and f["changes"]["from"]:
        chg = f["changes"]
        adj = {"holm": "Holm", "bh": "Benjamini-Hochberg"}.get(chg["adjust"] or "", "none")
        add(f'<section id="changes"><h2>Which dealers changed from {_esc(chg["from"])} to '
            f"{_esc(chg['to'])}</h2>")
        add(f'<p>{chg["tests"]} dealers tested at once, so the p-values are adjusted for '
            f"multiple comparisons ({adj} adjustment): a change is called beyond noise only "
            f"when its adjusted p-value is below the tests' level "
            f"({_f(100 - (chg['rows'][0].get('confidence_percent') or 95), 0)}%).</p>"
            if chg["rows"] else "</p>")
        if plot is not None and res["changes"][1]:
            labels, many = res["changes"]
            add(_figure(charts, "changes",
                        lambda ax: plot.changes(many, labels, ax=ax, adjust=chg["adjust"],
                                                title=f"Change {chg['from']} → {chg['to']}"),
                        (8, 0.32 * len(many) + 1.8),
                        "Each dealer's change in NPS with its interval; filled: beyond noise "
                        f"after the {adj} adjustment for {chg['tests']} tests."))
        rows = [[f"<td>{_esc(x['dealer'])}</td>", _num(x["difference"], sign=True),
                 _num(x["low"]), _num(x["high"]), _num(x["p_value"], 3),
                 _num(x["p_adjusted"], 3), f"<td>{_esc(x['verdict'])}</td>"]
                for x in chg["rows"]]
        add(_table(["dealer", "change (points)", "low", "high", "p (one test)",
                    f"p ({adj}-adjusted)", "verdict"], rows, "changes") + "</section>")

    if "goal" in f:
        g = f["goal"]
        add('<section id="goal"><h2>Are we on track for the goal?</h2>')
        add(_figure(charts, "goal", lambda ax: plot.goal(res["goal"], ax=ax), (8, 3.4),
                    "NPS of the months so far, the planned monthly path to the target and, "
                    "when the trend rises, the month it projects the target is reached."))
        add(f"<p>{_esc(_goal_sentence(g))}</p>")
        if g.get("plan") is not None:
            add(f"<p>{_esc(_plan_sentence(g['plan']))}</p>")
            rows = [[f"<td>{_esc(str(m['period']))}</td>", _num(m["planned"]), _num(m["actual"]),
                     _num(m["low"]), _num(m["high"]),
                     f"<td>{_esc(m['status'].replace('_', ' '))}</td>"]
                    for m in g["plan"]["months"]]
            add(_table(["month", "planned", "actual", "low", "high", "status"], rows,
                       "goal_plan"))
        if g["minimum_detectable_change"] is not None:
            add(f"<p>The smallest month-on-month change these sample sizes can show is "
                f"{_f(g['minimum_detectable_change'])} points.</p>")
        add("</section>")

    if "journey" in f:
        j = f["journey"]
        add('<section id="journey"><h2>Where in the visit customers are hurt</h2>')
        add(_figure(charts, "heatmap", lambda ax: plot.heatmap(res["heat"], ax=ax), (8, 4),
                    "Heat (mentions × pain) by journey stage."))
        add(_figure(charts, "pareto", lambda ax: plot.pareto(res["heat"], ax=ax), (8, 4),
                    "Pain points by heat with the cumulative share: the few on the left carry "
                    "most of it."))
        add(f"<p>{len(j['vital_few'])} pain points carry 80% of the heat: "
            f"{_esc('; '.join(j['vital_few']))}.</p>")
        rows = [[f"<td>{x['rank']}</td>", f"<td>{_esc(x['stage'])}</td>",
                 f"<td>{_esc(x['point'])}</td>", _num(x["mentions"]), _num(x["heat"]),
                 _num(x["share_percent"]), _num(x["cumulative_percent"])]
                for x in j["pain_points"]]
        add("<details><summary>All pain points</summary>" + _table(
            ["#", "stage", "pain point", "mentions", "heat", "share %", "cumulative %"], rows,
            "journey") + "</details></section>")

    if "kpi" in f:
        add('<section id="kpi"><h2>Service KPIs against the benchmarks</h2>')
        add(_figure(charts, "scorecard", lambda ax: plot.scorecard(res["scorecard"], ax=ax),
                    (8, 3), "Traffic lights: green meets the policy's benchmark, red misses."))
        rows = [[f"<td><span class=\"light {_esc(x['status'])}\"></span>{_esc(x['kpi'])}</td>",
                 _num(x["value"]), f"<td>{_esc(x['unit'])}</td>",
                 f"<td>{_bounds(x['benchmark_min'], x['benchmark_max'])}</td>",
                 _num(x["standard_minutes"]), _num(x["mean_minutes"]), _num(x["p90_minutes"]),
                 _num(x["n"]), f"<td>{_esc(x['status'])}</td>"]
                for x in f["kpi"]["scorecard"]]
        add("<p>Reception and delivery are per-visit standards: their value is the percent "
            "of visits within the standard (minutes), judged against the share the policy "
            "requires.</p>")
        add(_table(["KPI", "value", "unit", "benchmark", "standard (minutes)", "mean (minutes)",
                    "p90 (minutes)", "n", "status"], rows, "kpi") + "</section>")

    if "recovery" in f:
        rc = f["recovery"]
        add('<section id="recovery"><h2>Winning back unhappy customers</h2>')
        add(_figure(charts, "funnel", lambda ax: plot.funnel(res["recovery"], ax=ax), (8, 3.4),
                    "Low scores → recovery launched → responded within 24 hours → recovered "
                    "→ converted; lost customers shown apart."))
        rows = [[f"<td>{lbl}</td>", _num(rc[k]["numerator"]), _num(rc[k]["denominator"]),
                 _num(rc[k]["percent"])]
                for k, lbl in (("launch_rate", "recovery launched"),
                               ("response_24h_rate", "responded within 24 hours"),
                               ("success_rate", "recovered"), ("conversion_rate", "converted"),
                               ("lost_rate", "lost"))]
        add(f"<p>{rc['low_scores']} low scores in {rc['cases']} recovery cases.</p>"
            + _table(["step", "cases", "of", "%"], rows, "recovery"))
        split = [[f"<td>{_esc(what)}</td>", f"<td>{_esc(b['label'].replace('_', ' '))}</td>",
                  _num(b["numerator"]), _num(b["denominator"]), _num(b["percent"])]
                 for what, key in (("apology channel (strongest used)", "by_channel"),
                                   ("compensation against expectation", "by_expectation"))
                 for b in rc.get(key, []) if b["denominator"]]
        if split:
            add("<p>What wins customers back: success by the strongest apology channel used "
                "and by compensation against the customer's expectation.</p>"
                + _table(["split", "band", "recovered", "of", "%"], split, "recovery_splits"))
        add("</section>")

    if "economics" in f:
        add(_economics_html(f["economics"], res["economics"], charts, plot))
    if "flow" in f:
        add(_report_flow.html(f["flow"], res["flow"], charts, plot))
    if "staffing" in f:
        add(_report_staffing.html(f["staffing"], res["staffing"], charts, plot))

    if "loyalty" in f:
        from nps import _report_loyalty

        add(_report_loyalty.html(f["loyalty"], res["loyalty"], charts, plot))

    ig = f["integrity"]
    if ig["groups"]:
        add('<section id="integrity"><h2>Do any scores look managed?</h2>')
        add("<p>Each group's scores are compared with the rest of the network (too many 10s, "
            "too few detractors, nothing below 9), with a Bonferroni correction over all tests "
            f"at a family-wise {ig['alpha']}. A flag is a reason to review how surveys were "
            "collected, not proof.</p>")
        for grp in ig["groups"]:
            fl = grp["flagged"]
            add(f"<p>By {grp['level']}: {grp['tests']} tests on "
                f"<span data-value=\"{grp['n']}\">{grp['n']}</span> responses; "
                + (f"{len(fl)} flagged.</p>" if fl else "none flagged.</p>"))
            if fl:
                rows = [[f"<td>{_esc(x['key'])}</td>", f"<td>{_esc(x['test'])}</td>", _num(x["n"]),
                         _num(x["share_percent"]), _num(x["network_share_percent"]),
                         f"<td>{x['p_value']:.2e}</td>" if x["p_value"] else "<td>&lt;1e-300</td>"]
                        for x in fl]
                add(_table(["group", "test", "n", "share %", "network %", "p"], rows,
                           f"integrity-{grp['level']}"))
        add("</section>")

    if "planning" in f:
        p = f["planning"]
        add(f'<section id="planning"><h2>How many responses are enough</h2><p>For a ±'
            f"{_f(p['margin_points'], 0)}-point margin at the network's mix, a dealer needs "
            f"{p['responses_per_dealer_month']} responses a month.</p></section>")

    if "advisors" in f:
        rows = [[f"<td>{_esc(a['advisor'])}</td>", _num(a["n"]), _num(a["nps"]),
                 _num(a["low"]), _num(a["high"]), f"<td>{'thin' if a['thin'] else ''}</td>"]
                for a in f["advisors"]]
        add('<section id="advisors"><h2>Appendix: advisors</h2><details><summary>'
            f"{len(rows)} advisors (whole period)</summary>"
            + _table(["advisor", "n", "NPS", "low", "high", ""], rows, "advisors")
            + "</details></section>")

    if charts.get("__off__") and charts_on:
        out.insert(1, '<p class="note">Charts need matplotlib (pip install "nps[plot]"); '
                   "the tables below carry the same figures.</p>")
    body = "\n".join(x for x in out if x)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_esc(f['title'])}</title><style>{_CSS}</style></head>"
            f"<body>\n{body}\n<footer class=\"muted\">Generated "
            f"{dt.date.today().isoformat()} by nps {_esc(f['nps_version'])}.</footer>"
            "</body></html>\n")


# ---------------------------------------------------------------------------
# Service economics and strategic position (nps.econ; issue 15)


def _dates(df: Any, col: str) -> Any:
    """`col` as a datetime column (CSV text is parsed)."""
    import polars as pl

    if df.schema[col] == pl.Utf8:
        return df.with_columns(pl.col(col).str.to_datetime())
    return df


def _economics(e: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The service P&L per region (whole period), the strategic value matrix
    per region and quarter, and the lifecycle service cost per product line.

    `e["ledger"]`: columns region, category, amount_minor, booked_at,
    engineers (CNY fen); `e.get("measures")`: region, quarter (first day),
    nps, first_visit_resolution (the customer axis; the business axis is
    the ledger's margin and input-output ratio); `e.get("units")` /
    `e.get("events")`: the fleet (unit, product_line, sold,
    manufacturing_cost_minor) and its service cost events (unit, at,
    amount_minor)."""
    import polars as pl

    led_df = _dates(e["ledger"], "booked_at")
    kw: dict[str, Any] = dict(unit="region", category="category", amount_minor="amount_minor",
                              engineers="engineers")
    year = nps.econ.ledger(led_df, **kw).to_dict()
    pnl = [{k: year[k][i] for k in ("region", "revenue_minor", "cost_minor", "profit_minor",
                                     "margin", "input_output_ratio", "cost_to_revenue",
                                     "engineers", "revenue_per_engineer_minor")}
           for i in range(len(year["region"]))]
    out: dict[str, Any] = {"currency": "CNY", "pnl": pnl, "matrix": None, "lifecycle": None}
    res: dict[str, Any] = {}
    if e.get("measures") is not None:
        q = nps.econ.ledger(led_df, period="quarter", time="booked_at", **kw).to_polars()
        m = e["measures"].with_columns(pl.col("quarter").str.to_date()
                                       if e["measures"].schema["quarter"] == pl.Utf8
                                       else pl.col("quarter").cast(pl.Date))
        joined = q.select("region", "period", "margin", "input_output_ratio").join(
            m.rename({"quarter": "period"}), on=["region", "period"], how="left")
        t = nps.econ.quadrants(joined, unit="region", period="quarter", time="period",
                               measures={"nps": "nps",
                                         "first_visit_resolution": "first_visit_resolution",
                                         "margin": "margin",
                                         "input_output_ratio": "input_output_ratio"})
        res["matrix"] = t
        d = t.to_dict()
        rows = [{k: (d[k][i].isoformat() if k == "period" else d[k][i])
                 for k in ("region", "period", "customer_value", "business_value", "quadrant",
                           "previous_quadrant", "moved")} for i in range(len(t))]
        latest = {r["region"]: r for r in rows}
        for r in latest.values():
            r["action"] = (nps.econ.QUADRANTS[r["quadrant"]]["action"] if r["quadrant"]
                           else None)
        out["matrix"] = {"rows": rows, "latest": list(latest.values())}
    if e.get("units") is not None and e.get("events") is not None:
        lc = nps.econ.lifecycle_cost(_dates(e["units"], "sold"), _dates(e["events"], "at"),
                                     manufacturing_cost_minor="manufacturing_cost_minor")
        res["lifecycle"] = lc
        s = lc.summary.to_dict() if lc.summary is not None else {}
        out["lifecycle"] = [{k: s[k][i] for k in s} for i in range(len(s.get("product_line", [])))]
    return out, res


def _yuan(minor: Any) -> str:
    return "<td>–</td>" if minor is None else f'<td data-value="{minor!r}">{minor / 100:,.0f}</td>'


def _economics_html(ec: dict[str, Any], res: dict[str, Any], charts: dict[str, Any],
                    plot: Any) -> str:
    out = ['<section id="economics"><h2>Service economics and strategic position</h2>',
           "<p>After-sales as a business: revenue and cost by region (CNY), the input-output "
           "ratio (revenue / cost; below 1 the region loses money), and where each region "
           "sits in the strategic value matrix.</p>"]
    rows = [[f"<td>{_esc(p['region'])}</td>", _yuan(p["revenue_minor"]), _yuan(p["cost_minor"]),
             _yuan(p["profit_minor"]), _num(p["input_output_ratio"], 2),
             _num(p["engineers"], 0), _yuan(p["revenue_per_engineer_minor"])]
            for p in ec["pnl"]]
    out.append(_table(["region", "revenue", "cost", "profit or loss", "input-output ratio",
                       "engineers", "revenue per engineer"], rows, "economics-pnl"))
    mx = ec.get("matrix")
    if mx:
        if plot is not None:
            out.append(_figure(charts, "quadrants",
                               lambda ax: plot.quadrants(res["matrix"], ax=ax), (7, 6),
                               "Each region at its business value (x) and customer value (y) "
                               "in the latest quarter, coloured by quadrant; arrows from the "
                               "previous quarter."))
        rows = [[f"<td>{_esc(r['region'])}</td>", f"<td>{_esc(r['period'])}</td>",
                 _num(r["customer_value"], 2), _num(r["business_value"], 2),
                 f"<td>{_esc(r['quadrant'] or 'no data')}</td>",
                 f"<td>{_esc(r['previous_quadrant'] or '')}</td>",
                 f"<td>{_esc(r['action'] or '')}</td>"] for r in mx["latest"]]
        out.append(_table(["region", "quarter", "customer value", "business value", "quadrant",
                           "previous quarter", "action (source article)"], rows,
                          "economics-matrix"))
    lc = ec.get("lifecycle")
    if lc:
        rows = [[f"<td>{_esc(x['product_line'])}</td>", _num(x["units"], 0),
                 _num(x["max_age_months"], 0), _yuan(x["manufacturing_cost_minor"]),
                 _yuan(x.get("cost_36m_minor")),
                 _num(None if x.get("share_of_manufacturing_36m") is None
                      else 100 * x["share_of_manufacturing_36m"], 0),
                 _yuan(x.get("cost_60m_minor"))] for x in lc]
        if plot is not None and res.get("lifecycle") is not None:
            out.append(_figure(charts, "lifecycle",
                               lambda ax: plot.lifecycle(res["lifecycle"], ax=ax), (7.5, 4.5),
                               "Mean cumulative service cost per machine by age, with its 95 % "
                               "band, up to the oldest age the data reach; dotted: the line's "
                               "manufacturing cost."))
        out.append("<p>Lifecycle service cost per machine (mean cumulative cost, correct for "
                   "machines observed for different lengths of time; – where no machine is "
                   "old enough):</p>")
        out.append(_table(["product line", "machines", "oldest (months)", "manufacturing cost",
                           "service cost, 3 years", "% of manufacturing cost",
                           "service cost, 5 years"], rows, "economics-lifecycle"))
    out.append("</section>")
    return "".join(out)
