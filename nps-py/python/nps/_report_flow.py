"""The report's workshop-flow section (issue 14): the value stream of a
visit, promise keeping and progress updates from a repair-order milestone
table (`nps.flow`). `figures` computes the JSON figures and the results the
charts are drawn from; `html` renders the section. Every number comes from
`nps.flow`; this module only lays it out.

>>> import pandas as pd
>>> df = pd.DataFrame({"ro": ["a"] * 4, "milestone": ["arrived", "greeted", "promised", "left"],
...                    "at": [0, 900, 3600, 4000]})
>>> from nps._report_flow import figures, html
>>> f, res = figures(df)
>>> f["stages"][0]["stage"], f["stages"][0]["median_minutes"], f["stages"][0]["within_target_percent"]
('reception', 15.0, 0.0)
>>> "value-stream" in html(f, res, {"__off__": True}, None)
True
"""

from __future__ import annotations

from typing import Any, Callable

import nps


def _minutes(s: float | None) -> float | None:
    return None if s is None else s / 60.0


def _pct(x: float | None) -> float | None:
    return None if x is None else 100.0 * x


def figures(df: Any, *, tz: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The flow figures of a milestone table (columns ro, milestone, at and,
    when present, dealer and advisor): the value stream over all repair
    orders and per dealer, promises, silence, anomalies."""
    cols = set(getattr(df, "columns", []))
    st = nps.flow.stages(df, tz=tz)
    t = st.to_dict()
    stages = [{
        "stage": t["stage"][i], "value_added": t["value_added"][i], "n": t["n"][i],
        "missing": t["missing"][i], "median_minutes": _minutes(t["median_s"][i]),
        "p90_minutes": _minutes(t["p90_s"][i]), "mean_minutes": _minutes(t["mean_s"][i]),
        "target_minutes": _minutes(t["target_s"][i]),
        "within_target_percent": _pct(t["within_target"][i]),
        "share_of_lead_time_percent": _pct(t["share_of_lead_time"][i]),
    } for i in range(len(st))]
    lead = st.lead_time
    out: dict[str, Any] = {
        "repair_orders": st.repair_orders,
        "stages": stages,
        "lead_time_hours": {"n": lead.n, "median": None if lead.median is None else lead.median / 3600,
                            "p90": None if lead.p90 is None else lead.p90 / 3600},
        "process_cycle_efficiency_percent": _pct(st.process_cycle_efficiency),
        "bottleneck": st.bottleneck,
        "anomalies": st.anomalies,
        "dealers": None,
    }
    if "dealer" in cols:
        by = nps.flow.stages(df, by="dealer", tz=tz).groups(to="dict")
        out["dealers"] = [{
            "dealer": by["dealer"][i], "repair_orders": by["repair_orders"][i],
            "lead_time_median_hours": None if by["lead_time_median_s"][i] is None
            else by["lead_time_median_s"][i] / 3600,
            "process_cycle_efficiency_percent": _pct(by["process_cycle_efficiency"][i]),
            "bottleneck": by["bottleneck"][i],
        } for i in range(len(by["dealer"]))]
    p = nps.flow.promises(df, tz=tz)
    out["promises"] = {
        "n": p.n, "on_time_percent": _pct(p.on_time),
        "overrun_median_minutes": _minutes(p.overrun_s.median),
        "overrun_p90_minutes": _minutes(p.overrun_s.p90),
        "overrun_relative_median_percent": _pct(p.overrun_relative.median),
        "overrun_relative_p90_percent": _pct(p.overrun_relative.p90),
    }
    s = nps.flow.silence(df, tz=tz)
    out["silence"] = {
        "n": s.n, "longest_gap_median_minutes": _minutes(s.longest_gap_s.median),
        "longest_gap_p90_minutes": _minutes(s.longest_gap_s.p90),
        "above_threshold_percent": _pct(s.above_threshold),
        "told_ahead_percent": _pct(s.told_ahead),
    }
    if "dealer" in cols:
        sd = nps.flow.silence(df, by="dealer", tz=tz).to_dict()
        pd_ = nps.flow.promises(df, by="dealer", tz=tz).to_dict()
        for row in out["dealers"] or []:
            i = sd["dealer"].index(row["dealer"])
            row["silent_percent"] = _pct(sd["above_threshold"][i])
            j = pd_["dealer"].index(row["dealer"])
            row["on_time_percent"] = _pct(pd_["on_time"][j])
    return out, {"stages": st}


def html(f: dict[str, Any], res: dict[str, Any], charts: dict[str, Any], plot: Any) -> str:
    """The section's HTML (charts drawn with `plot` unless it is None)."""
    from nps.report import _esc, _figure, _num, _table

    fig: Callable[..., str] = _figure
    out = ['<section id="flow"><h2>Workshop flow: waiting, promises and progress updates</h2>',
           f"<p>{f['repair_orders']} repair orders. Waiting is the first thing that moves "
           "NPS; the value stream shows where a visit's time goes — value-added work "
           "(inspection, diagnosis, repair) against waiting — and which stage holds the "
           "customer longest.</p>"]
    if plot is not None:
        out.append(fig(charts, "value-stream",
                       lambda ax: plot.value_stream(res["stages"], ax=ax),
                       (8, 0.5 * len(f["stages"]) + 1.8),
                       "Median time per stage; green = value-added, orange = waiting; black "
                       "ticks are the per-visit targets (reception 3 min, delivery 15 min)."))
    else:
        out.append('<p class="note" data-chart="value-stream">value-stream chart not drawn</p>')
    rows = [[f"<td>{_esc(s['stage'])}</td>", f"<td>{'yes' if s['value_added'] else ''}</td>",
             _num(s["n"]), _num(s["missing"]), _num(s["median_minutes"]),
             _num(s["p90_minutes"]), _num(s["target_minutes"], 0),
             _num(s["within_target_percent"], 0), _num(s["share_of_lead_time_percent"], 0)]
            for s in f["stages"]]
    out.append(_table(["stage", "value-added", "visits", "not measured", "median (min)",
                       "90th percentile (min)", "target (min)", "within target (%)",
                       "share of lead time (%)"], rows, "flow-stages"))
    lt = f["lead_time_hours"]
    pce = f["process_cycle_efficiency_percent"]
    out.append("<p>Median lead time (arrival to departure) "
               f"{'n/a' if lt['median'] is None else format(lt['median'], '.1f')} h, 90th "
               f"percentile {'n/a' if lt['p90'] is None else format(lt['p90'], '.1f')} h; "
               f"process-cycle efficiency {'n/a' if pce is None else format(pce, '.0f')} %; "
               f"bottleneck: {_esc(f['bottleneck'] or 'none')}.</p>")
    pr, si = f["promises"], f["silence"]

    def pc(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.0f} %"

    out.append(f"<p>Promises: {pr['n']} repair orders with a promised time, {pc(pr['on_time_percent'])} "
               "ready on time; late ones overran the promised duration by a median of "
               f"{pc(pr['overrun_relative_median_percent'])} (90th percentile "
               f"{pc(pr['overrun_relative_p90_percent'])}). Progress updates: "
               f"{pc(si['above_threshold_percent'])} of {si['n']} cars in the bay went more "
               "than an hour without news; "
               f"{pc(si['told_ahead_percent'])} of customers were told at least an hour before "
               "the car was ready.</p>")
    if f.get("dealers"):
        rows = [[f"<td>{_esc(d['dealer'])}</td>", _num(d["repair_orders"]),
                 _num(d["lead_time_median_hours"]),
                 _num(d["process_cycle_efficiency_percent"], 0),
                 f"<td>{_esc(d['bottleneck'] or '')}</td>", _num(d.get("on_time_percent"), 0),
                 _num(d.get("silent_percent"), 0)] for d in f["dealers"]]
        out.append(_table(["dealer", "repair orders", "median lead time (h)",
                           "process-cycle efficiency (%)", "bottleneck", "promises kept (%)",
                           "silent over 1 h (%)"], rows, "flow-dealers"))
    a = f["anomalies"]
    out.append(f'<p class="note">Timeline anomalies: {a["missing"]} milestones missing, '
               f'{a["repeated"]} repeated (rework), {a["out_of_order"]} out of order '
               f'({a["skipped_ros"]} repair orders left out).</p></section>')
    return "".join(out)
