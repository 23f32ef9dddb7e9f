"""Repair-order timelines: the value stream of a workshop visit
(:func:`stages`), promise keeping (:func:`promises`) and progress updates
while the car is in the workshop (:func:`silence`).

The input is a milestone table, one row per repair order x milestone: the
repair order (``ro``, integers or strings), the milestone name
(``milestone``) and its instant (``at``: aware datetimes, datetime64 as
UTC, or Unix seconds), as a pandas / polars DataFrame, a pyarrow Table or
anything exporting ``__arrow_c_stream__``. The vocabulary is
:data:`MILESTONES` (``booked`` ... ``left`` in visit order, ``promised``,
``updated`` which repeats); the default stages are :data:`STAGES`. Both are
policy data: pass ``milestones=`` and ``stages=`` to change them.

A milestone's instant is its first occurrence; row order never matters.
Anomalies per repair order (a milestone missing, repeated — rework: a second
``repair_started`` — or out of order) are counted and listed
(``report.anomalies``, ``report.anomaly_list``) or, with
``on_anomaly="raise"``, raised naming the repair order and the milestone; a
repair order with a milestone out of order is left out, and no duration is
ever negative. Quantiles are Hyndman & Fan type 7 (numpy's default).
Durations (targets, thresholds) are ``datetime.timedelta`` or seconds.
Elapsed time is wall-clock, or business time inside a
:class:`nps.Calendar`'s opening hours (``calendar=``). All rules live in the
Rust core (nps-core ``flow``); this module only names and converts.

Reports are partial results: the reports of parts of the rows merge
(``a.merge(b)``, ``a + b``, ``sum(reports)``) into the report of one pass,
medians included, when the parts are partitioned by repair order (a repair
order in two parts is an error naming it); they pickle exactly.

The source's value-stream map: a customer waited 15 minutes for an advisor
against a 3-minute standard; promised 2 hours, the car took 4 (+100 %).

>>> import nps, pandas as pd
>>> df = pd.DataFrame({
...     "ro": ["r1"] * 5,
...     "milestone": ["arrived", "greeted", "promised", "repair_finished", "left"],
...     "at": pd.to_datetime(["2025-06-10 09:00", "2025-06-10 09:15", "2025-06-10 11:00",
...                           "2025-06-10 13:00", "2025-06-10 13:10"], utc=True),
... })
>>> r = nps.flow.stages(df)
>>> t = r.to_dict()
>>> t["stage"][0], t["median_s"][0], t["target_s"][0], t["within_target"][0]
('reception', 900.0, 180, 0.0)
>>> nps.flow.promises(df).overrun_relative.median
1.0
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Sequence

from nps import _table
from nps._nps import Calendar, Distribution, FlowReport
from nps._nps import _flow, _flow_defaults

__all__ = [
    "Distribution",
    "FlowReport",
    "LEAD_TIME",
    "MILESTONES",
    "STAGES",
    "promises",
    "silence",
    "stages",
]

for _name, _method in _table.frame_methods(lambda self: self._table(), "table").items():
    setattr(FlowReport, _name, _method)


def _frame(which: str, doc: str) -> Any:
    def get(self: FlowReport, to: str = "pandas") -> Any:
        cols = self._table(which)
        conv = {"pandas": _table.to_pandas, "polars": _table.to_polars,
                "arrow": _table.to_arrow, "dict": _table.to_dict}
        if to not in conv:
            raise ValueError(f"to= must be one of {sorted(conv)}, got {to!r}")
        return conv[to](cols)

    get.__doc__ = doc
    return get


FlowReport.groups = _frame(  # type: ignore[attr-defined]
    "groups",
    """Stages: one row per group with ``repair_orders``, ``lead_time_n``,
    ``lead_time_missing``, ``lead_time_mean_s``, ``lead_time_median_s``,
    ``lead_time_p90_s``, ``process_cycle_efficiency`` and ``bottleneck``;
    ``to`` is ``"pandas"`` (default), ``"polars"``, ``"arrow"`` or ``"dict"``.""",
)
FlowReport.anomaly_table = _frame(  # type: ignore[attr-defined]
    "anomalies",
    """One row per anomaly: ``ro``, ``milestone``, ``kind`` (``missing``,
    ``repeated``, ``out_of_order``); ``to`` as :meth:`groups`.""",
)

_MS, _ST, _LEAD = _flow_defaults()

#: The default milestone vocabulary (nps-core ``FlowPolicy::default``):
#: ``{"name", "ordered", "repeats"}`` in order.
MILESTONES: list[dict[str, Any]] = [
    {"name": n, "ordered": o, "repeats": r} for n, o, r in _MS
]

#: The default stages (nps-core ``FlowPolicy::default``): ``{"name",
#: "from", "to", "target" (seconds or None), "value_added"}`` in order.
STAGES: list[dict[str, Any]] = [
    {"name": n, "from": f, "to": t, "target": tg, "value_added": va}
    for n, f, t, tg, va in _ST
]

#: The milestones the lead time runs between.
LEAD_TIME: tuple[str, str] = _LEAD

def stages(
    df: Any,
    ro: str | None = None,
    milestone: str | None = None,
    at: str | None = None,
    *,
    by: str | Sequence[str] | None = None,
    period: str | None = None,
    tz: str | None = None,
    calendar: Calendar | None = None,
    stages: Sequence[dict[str, Any]] | None = None,
    milestones: Sequence[str | dict[str, Any]] | None = None,
    on_anomaly: str | None = None,
) -> FlowReport:
    """The value stream of the repair orders of a milestone table.

    ``ro``, ``milestone`` and ``at`` name the columns (None: the columns
    called ``ro``, ``milestone`` and ``at``). ``by`` (a column name or a
    list) and ``period`` (``"day"`` ... ``"year"`` in ``tz``; None = UTC)
    group the repair orders through the grouping engine: every row of a
    repair order must carry the same ``by`` values, and its period is that
    of its ``arrived`` instant. ``calendar`` counts business time only.
    ``stages`` replaces :data:`STAGES` (dicts with ``name``, ``from``,
    ``to``, optional ``target`` — a timedelta or seconds — and
    ``value_added``); ``milestones`` replaces :data:`MILESTONES` (names or
    dicts); ``on_anomaly`` is ``"skip"`` (the default) or ``"raise"``.

    The table: the group columns, ``period``, then per stage ``stage``,
    ``value_added``, ``n`` (repair orders measured), ``missing``,
    ``mean_s``, ``median_s``, ``p90_s``, ``target_s``, ``within_target``
    (share of visits within the target), ``share_of_lead_time`` (the
    stage's time over the lead time, summed over the repair orders with a
    lead time). Attributes over all repair orders: ``lead_time`` (a
    :class:`Distribution` of arrived -> left, seconds),
    ``process_cycle_efficiency`` (value-added time / lead time),
    ``bottleneck`` (the stage with the largest share), ``anomalies``;
    :meth:`FlowReport.groups` gives them per group.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"ro": [1, 1, 1, 2, 2, 2],
    ...     "milestone": ["arrived", "repair_started", "left"] * 2,
    ...     "at": [0, 600, 4200, 0, 1200, 3000],
    ...     "dealer": ["d1"] * 3 + ["d2"] * 3})
    >>> r = nps.flow.stages(df, by="dealer")
    >>> r.lead_time.mean, r.groups(to="dict")["lead_time_mean_s"]
    (3600.0, [4200.0, 3000.0])
    >>> r.anomalies["missing"]  # greeted, inspected, diagnosed, authorized, repair_finished of both
    10
    """
    return _flow("stages", df, ro, milestone, at, by=by, period=period, tz=tz,
                 calendar=calendar, stages=stages, milestones=milestones,
                 on_anomaly=on_anomaly)


def promises(
    df: Any,
    ro: str | None = None,
    milestone: str | None = None,
    at: str | None = None,
    *,
    by: str | Sequence[str] | None = None,
    period: str | None = None,
    tz: str | None = None,
    calendar: Calendar | None = None,
    promise_end: str | None = None,
    milestones: Sequence[str | dict[str, Any]] | None = None,
    stages: Sequence[dict[str, Any]] | None = None,
    on_anomaly: str | None = None,
) -> FlowReport:
    """Promise keeping: per repair order with ``promised``, ``arrived`` and
    ``promise_end`` (None: ``repair_finished``; or ``"delivered"``), on
    time when the end is at or before the promise; the overrun is end -
    promised (0 when on time), and relative to the promised duration
    (promised - arrived): promised 2 h, took 4 h -> 1.0 (+100 %); 5 h ->
    1.5. Arguments as :func:`stages`.

    The table: the group columns, ``period``, ``n``, ``missing``,
    ``on_time``, ``overrun_s_mean`` / ``_median`` / ``_p90``,
    ``overrun_relative_n``, ``overrun_relative_mean`` / ``_median`` /
    ``_p90``. Attributes over all: ``n``, ``missing``, ``on_time``,
    ``overrun_s`` and ``overrun_relative`` (:class:`Distribution`).

    >>> import pandas as pd
    >>> h = 3600
    >>> df = pd.DataFrame({"ro": ["a"] * 3 + ["b"] * 3,
    ...     "milestone": ["arrived", "promised", "repair_finished"] * 2,
    ...     "at": [0, 2 * h, 4 * h, 0, 2 * h, 5 * h]})
    >>> p = nps.flow.promises(df)
    >>> p.n, p.on_time, p.overrun_relative.mean, p.overrun_s.median
    (2, 0.0, 1.25, 9000.0)
    """
    return _flow("promises", df, ro, milestone, at, by=by, period=period, tz=tz,
                 calendar=calendar, stages=stages, milestones=milestones,
                 on_anomaly=on_anomaly, promise_end=promise_end)


def silence(
    df: Any,
    ro: str | None = None,
    milestone: str | None = None,
    at: str | None = None,
    *,
    by: str | Sequence[str] | None = None,
    period: str | None = None,
    tz: str | None = None,
    calendar: Calendar | None = None,
    threshold: _dt.timedelta | float | None = None,
    lead: _dt.timedelta | float | None = None,
    milestones: Sequence[str | dict[str, Any]] | None = None,
    stages: Sequence[dict[str, Any]] | None = None,
    on_anomaly: str | None = None,
) -> FlowReport:
    """Progress updates while the car is in the workshop: per repair order
    with ``repair_started`` and ``repair_finished``, the contact points are
    the start, every ``updated`` between them and the end; the longest gap
    between consecutive ones, whether it is above ``threshold`` (None: the
    core's 60 minutes), and whether an ``updated`` in the workshop window
    came at least ``lead`` (None: 1 hour) before ``repair_finished``.
    ``threshold`` and ``lead`` are timedeltas or seconds; other arguments
    as :func:`stages`.

    The table: the group columns, ``period``, ``n``, ``missing``,
    ``longest_gap_s_mean`` / ``_median`` / ``_p90``, ``above_threshold``,
    ``told_ahead``. Attributes over all: ``n``, ``missing``,
    ``longest_gap_s`` (:class:`Distribution`), ``above_threshold``,
    ``told_ahead``.

    >>> import datetime as dt, pandas as pd
    >>> df = pd.DataFrame({"ro": ["a"] * 3,
    ...     "milestone": ["repair_started", "updated", "repair_finished"],
    ...     "at": [0, 1800, 9000]})
    >>> s = nps.flow.silence(df, threshold=dt.timedelta(hours=1))
    >>> s.longest_gap_s.median, s.above_threshold, s.told_ahead
    (7200.0, 1.0, 1.0)
    """
    return _flow("silence", df, ro, milestone, at, by=by, period=period, tz=tz,
                 calendar=calendar, stages=stages, milestones=milestones,
                 on_anomaly=on_anomaly, silence_threshold=threshold, update_lead=lead)
