"""The report's staffing section (issue 14): the arrival rate per weekday ×
hour, the Erlang C advisors each hour needs for the waiting target and,
with a roster, the hours the roster cannot carry (unstable). The arrivals
are the lead-time start (``arrived``, `nps.flow.LEAD_TIME`) of every repair
order in the milestone table; every number comes from `nps.staffing` with
the core's defaults (service time, waiting target, interval) and the
policy's business calendar when it has one. `figures` computes the JSON
figures and the table the chart is drawn from; `html` renders the section.

>>> import pandas as pd
>>> mon9 = 1_748_854_800  # Monday 2025-06-02 09:00 UTC
>>> df = pd.DataFrame({"ro": ["a", "b", "c", "d", "d"], "milestone": ["arrived"] * 4 + ["left"],
...                    "at": [mon9, mon9 + 600, mon9 + 1200, mon9 + 1800, mon9 + 3000]})
>>> from nps._report_staffing import figures, html
>>> f, res = figures(df, roster=1)  # 4 an hour x 15 min = 1 erlang: one advisor cannot keep up
>>> peak = f["peak"]
>>> peak["weekday"], peak["hour"], peak["arrivals"], peak["arrival_rate"]
('mon', 9, 4, 4.0)
>>> [(u["weekday"], u["hour"]) for u in f["unstable"]]
[('mon', 9)]
>>> "staffing-profile" in html(f, res, {"__off__": True}, None)
True
"""

from __future__ import annotations

from typing import Any, Callable

import nps


def arrivals(df: Any) -> list[Any]:
    """The arrival instants of a milestone table: the `at` of its rows whose
    milestone is the lead-time start (`nps.flow.LEAD_TIME[0]`, ``arrived``),
    the first of each repair order."""
    start = nps.flow.LEAD_TIME[0]
    d = _columns(df)
    first: dict[Any, Any] = {}
    for ro, m, at in zip(d["ro"], d["milestone"], d["at"]):
        if m == start and at is not None and (ro not in first or at < first[ro]):
            first[ro] = at
    return list(first.values())


def _is_polars(df: Any) -> bool:
    return type(df).__module__.startswith("polars")


def _columns(df: Any) -> dict[str, list[Any]]:
    """A pandas / polars DataFrame or pyarrow Table as a dict of lists."""
    if _is_polars(df):
        return df.to_dict(as_series=False)  # type: ignore[no-any-return]
    if hasattr(df, "to_pydict"):
        return df.to_pydict()  # type: ignore[no-any-return]
    return df.to_dict("list")  # type: ignore[no-any-return]


def roster_of(table: Any) -> dict[tuple[str, int], int]:
    """A per-hour roster from a table with columns weekday (mon … sun or
    0 … 6), hour (0 … 23) and servers, for `nps.staffing(roster=...)`."""
    d = _columns(table)
    for col in ("weekday", "hour", "servers"):
        if col not in d:
            raise nps.InvalidArgumentError(
                f"roster: needs the columns weekday, hour and servers (no `{col}`)")
    return {(w, int(h)): int(s) for w, h, s in zip(d["weekday"], d["hour"], d["servers"])}


def figures(df: Any, *, tz: str | None = None, calendar: Any = None,
            roster: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The staffing figures of a milestone table: every weekday × hour with
    open time (arrivals, arrival rate per hour, offered load, advisors
    needed; with `roster` an int or a `{(weekday, hour): servers}` dict,
    the roster, probability of waiting, mean wait, share within target and
    stability), the peak hour and the unstable hours."""
    t = nps.staffing(arrivals(df), tz=None if calendar is not None else tz,
                     calendar=calendar, roster=roster)
    d = t.to_dict()
    keys = ["weekday", "hour", "start", "arrivals", "arrival_rate", "offered_load", "servers"]
    if "stable" in d:
        keys += ["roster", "prob_wait", "mean_wait_s", "within_target", "stable"]
    rows = [{k: d[k][i] for k in keys} for i in range(len(t))]
    busy = [r for r in rows if r["arrivals"]]
    peak = max(busy, key=lambda r: (r["arrival_rate"], -rows.index(r))) if busy else None
    f: dict[str, Any] = {
        "tz": t.tz,
        "days": t.days,
        "first_date": t.first_date.isoformat(),
        "arrivals": sum(r["arrivals"] for r in rows),
        "outside_hours": t.outside_hours,
        "interval_minutes": t.interval_s / 60,
        "service_time_minutes": t.service_time_s / 60,
        "target_wait_minutes": t.target_wait_s / 60,
        "target_share_percent": 100 * t.target_share,
        "business_calendar": calendar is not None,
        "roster": None if roster is None else (roster if isinstance(roster, int) else "per hour"),
        "peak": peak,
        "max_servers": max((r["servers"] for r in rows), default=0),
        "rows": rows,
        "unstable": [{"weekday": r["weekday"], "hour": r["hour"], "start": r["start"],
                      "roster": r["roster"], "offered_load": r["offered_load"]}
                     for r in rows if r.get("stable") is False],
    }
    return f, {"staffing": t}


def html(f: dict[str, Any], res: dict[str, Any], charts: dict[str, Any], plot: Any) -> str:
    """The section's HTML (the chart drawn with `plot` unless it is None)."""
    from nps.report import _esc, _figure, _num, _table

    fig: Callable[..., str] = _figure
    out = ['<section id="staffing"><h2>Staffing by the hour: advisors needed for the '
           'waiting target</h2>',
           f"<p>{f['arrivals']} arrivals over {f['days']} days from {_esc(f['first_date'])} "
           f"(local time {_esc(f['tz'] or 'UTC')}"
           + (", business hours of the policy's calendar" if f["business_calendar"] else "")
           + "). Advisors needed per hour by Erlang C so that "
           f"{f['target_share_percent']:.0f} % of customers wait at most "
           f"{f['target_wait_minutes']:g} min with a {f['service_time_minutes']:g}-minute "
           "reception: staff to the arrivals of each hour, not to the day's average.</p>"]
    if plot is not None:
        out.append(fig(charts, "staffing-profile", lambda ax: plot.staffing(res["staffing"], ax=ax),
                       (10, 4.2),
                       "Arrivals per hour by weekday and hour (colour) with the advisors "
                       "needed written in each hour"
                       + ("; vermillion crosses mark hours the roster cannot carry."
                          if f["roster"] is not None else ".")))
    else:
        out.append('<p class="note" data-chart="staffing-profile">staffing chart not drawn</p>')
    p = f["peak"]
    if p is not None:
        out.append(f"<p>Busiest hour: {_esc(p['weekday'])} {_esc(p['start'])}, "
                   f"{p['arrival_rate']:.2f} arrivals per hour, {p['servers']} advisors needed; "
                   f"at most {f['max_servers']} advisors in any hour.</p>")
    if f["outside_hours"]:
        out.append(f'<p class="note">{f["outside_hours"]} arrivals outside business hours '
                   "left out.</p>")
    busy = [r for r in f["rows"] if r["arrivals"]]
    head = ["weekday", "hour", "arrivals", "per hour", "load (erlangs)", "advisors needed"]
    if f["roster"] is not None:
        head += ["on duty", "wait probability (%)", "within target (%)", "stable"]
    rows = []
    for r in busy:
        cells = [f"<td>{_esc(r['weekday'])}</td>", f"<td>{_esc(r['start'])}</td>",
                 _num(r["arrivals"]), _num(r["arrival_rate"]), _num(r["offered_load"]),
                 _num(r["servers"])]
        if f["roster"] is not None:
            pw = None if r["prob_wait"] is None else 100 * r["prob_wait"]
            wt = None if r["within_target"] is None else 100 * r["within_target"]
            cells += [_num(r["roster"]), _num(pw, 0), _num(wt, 0),
                      "<td>yes</td>" if r["stable"] else '<td class="bad">no: unstable</td>']
        rows.append(cells)
    out.append(_table(head, rows, "staffing"))
    if f["roster"] is not None:
        n = len(f["unstable"])
        out.append(f"<p>With the roster, {n} hour{'s' if n != 1 else ''} "
                   + ("cannot be carried: the offered load is at or above the advisors on "
                      "duty, so the queue grows without bound (no waiting time is given).</p>"
                      if n else "— every hour is stable.</p>"))
    else:
        out.append('<p class="note">Give a roster (<code>--roster N</code> or a CSV of weekday, '
                   "hour, servers) to see the predicted waits and the hours it cannot "
                   "carry.</p>")
    out.append("</section>")
    return "".join(out)
