"""Service KPIs (SPEC §6): first-time fix, comebacks, bay utilization,
technician figures, labour rates, time KPIs, rate KPIs and the scorecard.

Every function takes columns (numpy arrays, pandas or polars Series, lists;
timestamps as Unix seconds or datetime columns) and returns a
:class:`KpiTable` (or a :class:`Kpi` / :class:`TimeKpi` for single-figure
KPIs). Every result carries ``value``, ``numerator``, ``denominator`` and
``coverage`` (share of the input rows used); ``value`` is ``None`` ("no
data") when the denominator is 0, never 0 or NaN. All rules live in the
Rust core (nps-core ``kpi``); this module only names and tabulates.

>>> import nps
>>> t = nps.kpi.technician_figures([7.2], available_hours=8.0, srt_hours=[9.0])
>>> round(t.efficiency.value, 4), round(t.productivity.value, 4), round(t.proficiency.value, 4)
(1.25, 0.9, 1.125)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Mapping

import numpy as np

from nps._nps import Kpi, Policy, SrtCatalog, TimeKpi
from nps import _table
from nps._nps import _column_numbers
from nps._nps import _kpi_bay_utilization as _bay
from nps._nps import _kpi_first_time_fix as _ftf
from nps._nps import _kpi_hours_per_ro as _hpro
from nps._nps import _kpi_job_outcomes as _outcomes
from nps._nps import _kpi_labour_rate as _labour
from nps._nps import _kpi_rate as _rate
from nps._nps import _kpi_repeat_complaint as _repeat
from nps._nps import _kpi_revenue_per_engineer as _revenue
from nps._nps import _kpi_scorecard as _scorecard
from nps._nps import _kpi_technician as _tech
from nps._nps import _kpi_time as _time

__all__ = [
    "Kpi",
    "KpiTable",
    "ScoreLine",
    "SrtCatalog",
    "TechnicianFigures",
    "TimeKpi",
    "TimeTable",
    "appointment_fulfillment_rate",
    "bay_utilization",
    "comeback_rate",
    "csat",
    "delivery_time",
    "effective_labour_rate",
    "first_contact_resolution_rate",
    "first_time_fix_rate",
    "follow_up_completion_rate",
    "hours_per_ro",
    "job_outcomes",
    "pre_service_inspection_rate",
    "rate",
    "ready_when_promised",
    "reception_response_time",
    "repeat_complaint_rate",
    "repeat_visit_rate",
    "scorecard",
    "service_revenue_per_engineer",
    "technician_efficiency",
    "technician_figures",
    "technician_productivity",
    "technician_proficiency",
    "time_kpi",
]


class KpiTable:
    """A KPI overall (``overall``; ``value`` etc. are its fields) and per group.

    ``groups`` is a list of ``(key, period, Kpi)`` sorted by key then period;
    ``key`` is None without ``by=`` (a tuple when grouping by several
    columns), ``period`` a label ("2025-03") or None. ``to_arrow()``,
    ``to_pandas()``, ``to_polars()`` and ``to_dict()`` give the table (nps-core
    ``KpiTable::to_table``): key columns, ``period`` (a date), ``value``,
    ``numerator``, ``denominator``, ``coverage``.

    >>> t = nps.kpi.rate([1, 0, 1, 1], by=["a", "a", "b", "b"])
    >>> t.value, t.numerator, t.denominator  # 3 of 4 rows flagged
    (0.75, 3.0, 4.0)
    >>> [(key, k.value) for key, period, k in t]
    [('a', 0.5), ('b', 1.0)]
    >>> t.to_dict()["value"]
    [0.5, 1.0]
    """

    def __init__(self, overall: Kpi, groups: list[tuple[Any, str | None, Kpi]],
                 columns: Any = None) -> None:
        self.overall = overall
        self.groups = groups
        self._columns = columns

    @property
    def value(self) -> float | None:
        """The overall value (None = no data)."""
        return self.overall.value

    @property
    def numerator(self) -> float:
        """The overall numerator."""
        return self.overall.numerator

    @property
    def denominator(self) -> float:
        """The overall denominator."""
        return self.overall.denominator

    @property
    def coverage(self) -> float | None:
        """The overall coverage."""
        return self.overall.coverage

    def __len__(self) -> int:
        return len(self.groups)

    def __iter__(self) -> Iterator[tuple[Any, str | None, Kpi]]:
        return iter(self.groups)

    def __repr__(self) -> str:
        return f"KpiTable(overall={self.overall!r}, groups={len(self.groups)})"



class TimeTable:
    """A time KPI overall (``overall``) and per group (``(key, period, TimeKpi)``).

    ``to_arrow()``, ``to_pandas()``, ``to_polars()`` and ``to_dict()`` give
    the table (nps-core ``TimeTable::to_table``): key columns, ``period``,
    ``n``, ``mean``, ``median``, ``p90`` (seconds), ``target_seconds`` and
    ``within_target_value`` / ``_numerator`` / ``_denominator`` /
    ``_coverage``.

    >>> t = nps.kpi.time_kpi(target_seconds=180, seconds=[60, 120, 240])
    >>> t.overall.mean, t.overall.median, t.value  # 2 of 3 within 3 min
    (140.0, 120.0, 0.6666666666666666)
    """

    def __init__(self, overall: TimeKpi, groups: list[tuple[Any, str | None, TimeKpi]],
                 columns: Any = None) -> None:
        self.overall = overall
        self.groups = groups
        self._columns = columns

    @property
    def value(self) -> float | None:
        """Overall share within the target."""
        return self.overall.value

    @property
    def within_target(self) -> Kpi:
        """Overall durations within the target / durations."""
        return self.overall.within_target

    def __len__(self) -> int:
        return len(self.groups)

    def __iter__(self) -> Iterator[tuple[Any, str | None, TimeKpi]]:
        return iter(self.groups)

    def __repr__(self) -> str:
        return f"TimeTable(overall={self.overall!r}, groups={len(self.groups)})"


for _cls in (KpiTable, TimeTable):
    for _name, _method in _table.frame_methods(lambda self: self._columns, "table, one row per group,").items():
        setattr(_cls, _name, _method)


def _flags(col: Any, name: str) -> Any:
    """A bool / 0-1 column as uint8 (nps-core rejects anything else with its row)."""
    arr = _column_numbers(col, name)
    return arr.astype(np.uint8) if arr.dtype == np.bool_ else arr


def _kpi_table(res: Any) -> KpiTable:
    return KpiTable(*res)


def first_time_fix_rate(
    vehicles: Any,
    opened: Any,
    closed: Any,
    *,
    complaints: Any = None,
    window_days: int | None = None,
    as_of: Any = None,
    exclude_incomplete: bool | None = None,
    by: Any = None,
    timestamps: Any = None,
    period: str | None = None,
    tz: str | None = None,
) -> KpiTable:
    """First-time-fix rate over repair-order rows (one row per job).

    A job fails when the same vehicle (with the same ``complaints`` key,
    complaint code or operation family, when given) is opened again no
    later than ``window_days`` after the job closed (inclusive). The
    comeback is attributed to the original job. Jobs whose window is not
    over at ``as_of`` and that have not come back are incomplete: left out
    (``exclude_incomplete=True``, coverage shows the share judged) or
    counted as fixed. Group with ``by=`` (dealer, technician, advisor)
    and/or ``period=`` ("day", "week", "month", "quarter", "year") over
    ``timestamps`` in ``tz``. Benchmark ``first_time_fix_rate`` (>= 85 %).

    >>> day = 86_400
    >>> # vehicle "V1" comes back 10 days after its first job: that job was not fixed
    >>> t = nps.kpi.first_time_fix_rate(["V1", "V2", "V1"], [0, 0, 11 * day], [day, day, 12 * day],
    ...                                 as_of=100 * day)
    >>> t.numerator, t.denominator
    (2.0, 3.0)
    """
    return _kpi_table(
        _ftf(vehicles, complaints, opened, closed, window_days=window_days, as_of=as_of,
             exclude_incomplete=exclude_incomplete, comeback=False, by=by, timestamps=timestamps,
             period=period, tz=tz)
    )


def comeback_rate(
    vehicles: Any,
    opened: Any,
    closed: Any,
    *,
    complaints: Any = None,
    window_days: int | None = None,
    as_of: Any = None,
    exclude_incomplete: bool | None = None,
    by: Any = None,
    timestamps: Any = None,
    period: str | None = None,
    tz: str | None = None,
) -> KpiTable:
    """Comeback (rework) rate: 1 - first_time_fix_rate over the same jobs.

    Same arguments and rules as :func:`first_time_fix_rate`. Benchmark
    ``comeback_rate`` (< 10 %).

    >>> day = 86_400
    >>> t = nps.kpi.comeback_rate(["V1", "V2", "V1"], [0, 0, 11 * day], [day, day, 12 * day],
    ...                           as_of=100 * day)
    >>> t.numerator, t.denominator  # the first job of V1 came back
    (1.0, 3.0)
    """
    return _kpi_table(
        _ftf(vehicles, complaints, opened, closed, window_days=window_days, as_of=as_of,
             exclude_incomplete=exclude_incomplete, comeback=True, by=by, timestamps=timestamps,
             period=period, tz=tz)
    )


def job_outcomes(
    vehicles: Any,
    opened: Any,
    closed: Any,
    *,
    complaints: Any = None,
    window_days: int | None = None,
    as_of: Any = None,
) -> list[str]:
    """The verdict per job: "fixed", "came_back" or "incomplete".

    >>> day = 86_400
    >>> nps.kpi.job_outcomes(["V1", "V2", "V1"], [0, 0, 11 * day], [day, day, 12 * day],
    ...                      as_of=20 * day)
    ['came_back', 'incomplete', 'incomplete']
    """
    return _outcomes(vehicles, complaints, opened, closed, window_days=window_days,
                     as_of=as_of)


def repeat_complaint_rate(
    subjects: Any,
    raised: Any,
    closed: Any,
    *,
    window_days: int | None = None,
    as_of: Any = None,
    by: Any = None,
    timestamps: Any = None,
    period: str | None = None,
    tz: str | None = None,
) -> KpiTable:
    """Complaints raised again for the same case or vehicle (``subjects``)
    within ``window_days`` of closing / complaints closed. Benchmark
    ``repeat_complaint_rate`` (> 15 % signals unresolved root causes).

    >>> day = 86_400
    >>> t = nps.kpi.repeat_complaint_rate(["C1", "C1", "C2"], [0, 5 * day, 0], [day, 6 * day, day],
    ...                                   as_of=100 * day)
    >>> t.numerator, t.denominator  # C1 raised again 4 days after it was closed
    (1.0, 3.0)
    """
    return _kpi_table(_repeat(subjects, raised, closed, window_days=window_days, as_of=as_of, by=by,
                          timestamps=timestamps, period=period, tz=tz))


def bay_utilization(
    occupied_hours: Any,
    *,
    repair_bays: int,
    calendar: Any,
    start: Any,
    end: Any,
    repair_bay: Any = None,
) -> Kpi:
    """Occupied repair hours / (repair bays x open hours of ``calendar``
    between ``start`` and ``end``); holidays and make-up days included.
    Rows with ``repair_bay`` False (wash, reception) are left out.

    >>> import datetime as dt
    >>> cal = nps.Calendar("UTC", {d: [("08:00", "18:00")] for d in ("mon", "tue", "wed", "thu", "fri")})
    >>> k = nps.kpi.bay_utilization([6.0, 9.0], repair_bays=2, calendar=cal,
    ...                             start=dt.datetime(2025, 6, 13, tzinfo=dt.timezone.utc),
    ...                             end=dt.datetime(2025, 6, 14, tzinfo=dt.timezone.utc))
    >>> k.value  # 15 h / (2 bays * 10 h on Friday)
    0.75
    """
    rb = None if repair_bay is None else _flags(repair_bay, "repair_bay")
    return _bay(occupied_hours, repair_bays=repair_bays, calendar=calendar, start=start, end=end,
                repair_bay=rb)


@dataclass(frozen=True)
class TechnicianFigures:
    """Efficiency, productivity and proficiency of one technician (``key``).

    >>> t = nps.kpi.technician_figures([7.2], 8.0, srt_hours=[9.0])
    >>> t.key, t.productivity.value  # 7.2 h worked of 8 h available
    (None, 0.9)
    """

    key: Any
    efficiency: Kpi
    productivity: Kpi
    proficiency: Kpi


def technician_figures(
    worked_hours: Any,
    available_hours: Any,
    *,
    srt_hours: Any = None,
    operations: Any = None,
    catalog: SrtCatalog | None = None,
    technicians: Any = None,
    available_technicians: Any = None,
) -> Any:
    """Technician figures over completed jobs.

    ``worked_hours`` per job; SRT hours per job from ``srt_hours`` (NaN /
    None = no SRT) or from ``operations`` looked up in ``catalog``; the
    hours available (attendance). Efficiency = SRT hours / hours worked on
    jobs with an SRT (coverage = share of jobs with one); productivity =
    hours worked / available; proficiency = SRT hours / available.

    Without ``technicians`` returns one :class:`TechnicianFigures` (key
    None; ``available_hours`` a number). With ``technicians`` (per job) and
    ``available_technicians`` (per attendance row of ``available_hours``)
    returns a list, one per technician sorted by key.

    >>> t = nps.kpi.technician_figures([7.2], 8.0, srt_hours=[9.0])
    >>> t.efficiency.value, t.proficiency.value  # 9 / 7.2, 9 / 8
    (1.25, 1.125)
    """
    rows = _tech(worked_hours, available_hours, srt_hours=srt_hours, operations=operations,
                 catalog=catalog, technicians=technicians,
                 available_technicians=available_technicians)
    out = [TechnicianFigures(*r) for r in rows]
    return out[0] if technicians is None else out


def technician_efficiency(worked_hours: Any, **kw: Any) -> Kpi:
    """SRT hours / hours worked on jobs with an SRT (see :func:`technician_figures`;
    ``available_hours`` is not needed).

    >>> nps.kpi.technician_efficiency([7.2], srt_hours=[9.0]).value  # 9 / 7.2
    1.25
    """
    kw.setdefault("available_hours", 0.0)
    return technician_figures(worked_hours, kw.pop("available_hours"), **kw).efficiency  # type: ignore[no-any-return]


def technician_productivity(worked_hours: Any, available_hours: float, **kw: Any) -> Kpi:
    """Hours worked / hours available (see :func:`technician_figures`).

    >>> nps.kpi.technician_productivity([7.2], 8.0).value  # 7.2 / 8
    0.9
    """
    return technician_figures(worked_hours, available_hours, **kw).productivity  # type: ignore[no-any-return]


def technician_proficiency(worked_hours: Any, available_hours: float, **kw: Any) -> Kpi:
    """SRT hours produced / hours available (see :func:`technician_figures`).

    >>> nps.kpi.technician_proficiency([7.2], 8.0, srt_hours=[9.0]).value  # 9 / 8
    1.125
    """
    return technician_figures(worked_hours, available_hours, **kw).proficiency  # type: ignore[no-any-return]


def effective_labour_rate(sales_minor: Any, hours_sold: Any, pay_types: Any) -> dict[str, Kpi]:
    """Labour sales (integer minor units) / labour hours sold, overall
    (key "all") and per pay type ("customer", "warranty", "internal");
    values are minor units per hour. An unknown pay type is an
    ``InvalidValueError`` naming its row.

    >>> r = nps.kpi.effective_labour_rate([30000, 10000], [2.0, 1.0], ["customer", "warranty"])
    >>> r["all"].value, r["customer"].value  # 40000 / 3 h; 30000 / 2 h
    (13333.333333333334, 15000.0)
    """
    overall, per = _labour(sales_minor, hours_sold, pay_types)
    return {"all": overall, **dict(per)}


def hours_per_ro(
    worked_hours: Any,
    *,
    srt_hours: Any = None,
    operations: Any = None,
    catalog: SrtCatalog | None = None,
    basis: str = "srt",
) -> Kpi:
    """Hours per repair order (one row per RO): ``basis="srt"`` SRT hours /
    ROs with an SRT (coverage = their share), ``basis="worked"`` hours
    worked / ROs.

    >>> nps.kpi.hours_per_ro([1.0, 2.0, 3.0], basis="worked").value  # 6 h / 3 ROs
    2.0
    """
    return _hpro(worked_hours, srt_hours=srt_hours, operations=operations, catalog=catalog,
                 basis=basis)


def time_kpi(
    *,
    target_seconds: int,
    start: Any = None,
    end: Any = None,
    seconds: Any = None,
    by: Any = None,
    timestamps: Any = None,
    period: str | None = None,
    tz: str | None = None,
) -> TimeTable:
    """A time KPI from ``start``/``end`` timestamps or ``seconds`` durations:
    n, mean, median, p90 (linear interpolation, numpy's default) and the
    share within ``target_seconds`` (inclusive).

    >>> t = nps.kpi.time_kpi(target_seconds=180, start=[0, 0], end=[120, 300])
    >>> t.overall.n, t.overall.mean, t.value
    (2, 210.0, 0.5)
    """
    return TimeTable(*_time(target_seconds, start=start, end=end, seconds=seconds, by=by,
                            timestamps=timestamps, period=period, tz=tz))


def reception_response_time(
    arrived: Any,
    greeted: Any,
    *,
    target_seconds: int | None = None,
    policy: Policy | None = None,
    **group: Any,
) -> TimeTable:
    """Arrival -> greeted by an advisor. Target from the policy benchmark
    ``reception_response_minutes`` (3 min by default).

    >>> t = nps.kpi.reception_response_time([0, 0], [120, 300])  # target 3 min
    >>> t.value
    0.5
    """
    return TimeTable(*_time(target_seconds, measure="reception_response_time", policy=policy,
                            start=arrived, end=greeted, **group))


def delivery_time(
    finished: Any,
    left: Any,
    *,
    target_seconds: int | None = None,
    policy: Policy | None = None,
    **group: Any,
) -> TimeTable:
    """Repair finished -> customer leaves. Target from the policy benchmark
    ``delivery_minutes`` (15 min by default).

    >>> t = nps.kpi.delivery_time([0, 0], [600, 1200])  # target 15 min
    >>> t.overall.median, t.value
    (900.0, 0.5)
    """
    return TimeTable(*_time(target_seconds, measure="delivery_time", policy=policy, start=finished,
                            end=left, **group))


def rate(flags: Any, eligible: Any = None, **group: Any) -> KpiTable:
    """Rows flagged / eligible rows (every row when ``eligible`` is None).

    >>> nps.kpi.rate([1, 0, 1, 1]).value
    0.75
    >>> nps.kpi.rate([True, False], eligible=[True, False]).value  # 1 of 1 eligible
    1.0
    """
    e = None if eligible is None else _flags(eligible, "eligible")
    return _kpi_table(_rate(None, flags=_flags(flags, "flags"), eligible=e, **group))


def ready_when_promised(delivered: Any, promised: Any, **group: Any) -> KpiTable:
    """ROs delivered by the promised time / ROs with a promise (NaT / None =
    no promise, left out).

    >>> t = nps.kpi.ready_when_promised([100, 300, 50], [200, 200, None])  # no promise: left out
    >>> t.numerator, t.denominator
    (1.0, 2.0)
    """
    return _kpi_table(_rate("ready_when_promised", delivered=delivered, promised=promised, **group))


def appointment_fulfillment_rate(kept: Any, **group: Any) -> KpiTable:
    """Appointments kept / booked (one row per booked appointment).

    >>> nps.kpi.appointment_fulfillment_rate([1, 1, 0, 1]).value
    0.75
    """
    return _kpi_table(_rate("appointment_fulfillment_rate", flags=_flags(kept, "flags"), **group))


def pre_service_inspection_rate(inspected: Any, **group: Any) -> KpiTable:
    """Walk-around inspections / receptions (one row per reception).

    >>> nps.kpi.pre_service_inspection_rate([1, 0]).value
    0.5
    """
    return _kpi_table(_rate("pre_service_inspection_rate", flags=_flags(inspected, "flags"),
                            **group))


def follow_up_completion_rate(
    service_end: Any, follow_up: Any, *, window_days: float | None = None, **group: Any
) -> KpiTable:
    """Services followed up within ``window_days`` of the service end /
    services (``follow_up`` NaT / None = no call). ``window_days`` not
    given: nps-core's ``FollowUpOptions`` default (3 days). Benchmark 100 %.

    >>> day = 86_400
    >>> t = nps.kpi.follow_up_completion_rate([0, 0, 0], [day, 5 * day, None])  # within 3 days: 1
    >>> t.numerator, t.denominator
    (1.0, 3.0)
    """
    return _kpi_table(_rate("follow_up_completion_rate", service_end=service_end,
                            follow_up=follow_up, window_days=window_days, **group))


def repeat_visit_rate(booked: Any, **group: Any) -> KpiTable:
    """Visits booked through follow-up / follow-ups. Benchmark >= 30 %.

    >>> nps.kpi.repeat_visit_rate([1, 0, 0, 0]).value
    0.25
    """
    return _kpi_table(_rate("repeat_visit_rate", flags=_flags(booked, "flags"), **group))


def first_contact_resolution_rate(no_further_contact: Any, resolved: Any, **group: Any) -> KpiTable:
    """Requests resolved with no further contact / requests resolved.

    >>> nps.kpi.first_contact_resolution_rate([1, 0, 0], [1, 1, 0]).value  # 1 of 2 resolved
    0.5
    """
    return _kpi_table(_rate("first_contact_resolution_rate",
                            flags=_flags(no_further_contact, "flags"),
                            eligible=_flags(resolved, "eligible"), **group))


def csat(ratings: Any, *, satisfied_min: float | None = None, **group: Any) -> KpiTable:
    """Satisfied ratings (``>= satisfied_min``) / ratings; ``satisfied_min``
    not given: nps-core's ``CsatOptions`` default (4, of a 1-5 scale).

    >>> nps.kpi.csat([5, 4, 3, 2]).value  # ratings >= 4
    0.5
    """
    return _kpi_table(_rate("csat", ratings=ratings, satisfied_min=satisfied_min, **group))


def service_revenue_per_engineer(revenue_minor: Any, engineers: int) -> Kpi:
    """Service revenue (minor units) / engineers; no data with 0 engineers.

    >>> nps.kpi.service_revenue_per_engineer([500000, 300000], 4).value
    200000.0
    """
    return _revenue(revenue_minor, engineers)


@dataclass(frozen=True)
class ScoreLine:
    """One scorecard line: the KPI, its value, the benchmark and the status
    ("meets", "misses", "no_data" or "no_benchmark").

    >>> line = nps.kpi.scorecard({"first_time_fix_rate": 0.9})[0]
    >>> line.kpi, line.status
    ('first_time_fix_rate', 'meets')
    """

    kpi: str
    value: float | None
    min: float | None
    max: float | None
    status: str


class Scorecard(list):  # type: ignore[type-arg]
    """A list of :class:`ScoreLine` with ``to_pandas()`` / ``to_polars()``."""

    def _columns(self) -> dict[str, list[Any]]:
        return {f: [getattr(x, f) for x in self] for f in ("kpi", "value", "min", "max", "status")}

    def to_pandas(self) -> Any:
        """A pandas DataFrame, one row per KPI."""
        import pandas as pd

        c = self._columns()
        for name in ("value", "min", "max"):
            c[name] = pd.array(c[name], dtype="Float64")  # type: ignore[assignment]
        return pd.DataFrame(c)

    def to_polars(self) -> Any:
        """A polars DataFrame, one row per KPI."""
        import polars as pl

        return pl.DataFrame(self._columns(),
                            schema_overrides={n: pl.Float64 for n in ("value", "min", "max")})


def scorecard(results: Mapping[str, Any], policy: Policy | None = None) -> Scorecard:
    """Each result against the policy's benchmark of the same name.

    ``results`` maps KPI names (``first_time_fix_rate``, ...) to a Kpi, a
    KpiTable (its overall value), a TimeKpi / TimeTable (its mean in
    minutes, the unit of ``reception_response_minutes`` and
    ``delivery_minutes``) or a number / None. ``policy`` defaults to
    ``nps.Policy.default()``.

    >>> lines = nps.kpi.scorecard({"first_time_fix_rate": 0.9, "comeback_rate": 0.12})
    >>> [(l.kpi, l.status) for l in lines]  # benchmarks >= 85 % and < 10 %
    [('first_time_fix_rate', 'meets'), ('comeback_rate', 'misses')]
    """
    pairs: list[tuple[str, Any]] = []
    for name, r in results.items():
        if isinstance(r, (KpiTable, TimeTable)):
            r = r.overall
        pairs.append((name, r))
    return Scorecard(ScoreLine(*line) for line in _scorecard(pairs, policy))
