"""Service KPIs (SPEC §6): first-time fix, comebacks, bay utilization,
technician figures, labour rates, time KPIs, rate KPIs and the scorecard.

Every function takes columns (numpy arrays, pandas or polars Series, lists;
timestamps as Unix seconds or datetime columns) and returns a
:class:`KpiTable` (or a :class:`Kpi` / :class:`TimeKpi` for single-figure
KPIs). Every result carries ``value``, ``numerator``, ``denominator`` and
``coverage`` (share of the input rows used); ``value`` is ``None`` ("no
data") when the denominator is 0, never 0 or NaN. All rules live in the
Rust core (nps-core ``kpi``); this module only names and tabulates.

**The DataFrame form.** Every column function also takes a DataFrame
(pandas, polars, or a pyarrow Table) first; its other column arguments then
name columns (strings), the first column by a keyword of its own
(``vehicle=``, ``subject=``, ``flag=``, ``delivery=``, ``end=``,
``rating=``, ``occupied=``, ``worked=``, ``sales=``, ``revenue=``; the time
KPIs take ``start=`` / ``end=`` or ``seconds=``), ``by=`` names the key
column(s) and ``time=`` the timestamps of ``period=``. Key columns of the result are named after the
input columns.

**Partial results.** :class:`KpiTable` and :class:`TimeTable` merge
exactly (``a.merge(b)``, ``a + b``, ``sum(tables)``: the table of the rows
of both; median and p90 too) and pickle, so per-partition tables (Dask,
multiprocessing) combine into the table of the whole input. First-time fix,
comeback and repeat-complaint tables merge only when the input is
partitioned by vehicle (subject); a vehicle in two parts is an
``InvalidArgumentError``, never a wrong rate.

>>> import nps
>>> t = nps.kpi.technician_figures([7.2], available_hours=8.0, srt_hours=[9.0])
>>> round(t.efficiency.value, 4), round(t.productivity.value, 4), round(t.proficiency.value, 4)
(1.25, 0.9, 1.125)
>>> import pandas as pd
>>> df = pd.DataFrame({"dealer": ["D1", "D1", "D2"], "stars": [5, 3, 4]})
>>> nps.kpi.csat(df, rating="stars", by="dealer").to_dict()["dealer"]
['D1', 'D2']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from nps._nps import Kpi, KpiTable, Policy, SrtCatalog, TimeKpi, TimeTable
from nps import _table
from nps._nps import _kpi_bay_utilization as _bay
from nps._nps import _kpi_first_time_fix as _ftf
from nps._nps import _kpi_episodes as _episodes
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
    "diagnosis_accuracy",
    "EstimateAccuracy",
    "estimate_accuracy",
    "PartsAvailability",
    "parts_availability",
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
    "visits_per_resolution",
    "technician_efficiency",
    "technician_figures",
    "technician_productivity",
    "technician_proficiency",
    "time_kpi",
]


for _cls in (KpiTable, TimeTable):
    for _name, _method in _table.frame_methods(lambda self: self._table(),
                                               "table, one row per group,").items():
        setattr(_cls, _name, _method)


def first_time_fix_rate(
    vehicles: Any,
    opened: Any = None,
    closed: Any = None,
    *,
    complaints: Any = None,
    window_days: int | None = None,
    as_of: Any = None,
    exclude_incomplete: bool | None = None,
    by: Any = None,
    timestamps: Any = None,
    period: str | None = None,
    tz: str | None = None,
    vehicle: str | None = None,
    time: str | None = None,
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

    The DataFrame form: ``first_time_fix_rate(df, vehicle="vin",
    opened="opened_at", closed="closed_at", complaints="code",
    by="dealer", time="closed_at", period="month")``.

    Tables of parts merge (``a + b``) only when the input was partitioned
    by vehicle (all jobs of a vehicle in one part): a job is judged by the
    later jobs of its vehicle, so a vehicle in two parts is an
    ``InvalidArgumentError`` naming it, never a wrong rate.

    >>> day = 86_400
    >>> # vehicle "V1" comes back 10 days after its first job: that job was not fixed
    >>> t = nps.kpi.first_time_fix_rate(["V1", "V2", "V1"], [0, 0, 11 * day], [day, day, 12 * day],
    ...                                 as_of=100 * day)
    >>> t.numerator, t.denominator
    (2.0, 3.0)
    >>> import pandas as pd
    >>> jobs = pd.DataFrame({"vin": ["V1", "V2", "V1"], "opened": [0, 0, 11 * day],
    ...                      "closed": [day, day, 12 * day], "dealer": ["D1", "D2", "D1"]})
    >>> t = nps.kpi.first_time_fix_rate(jobs, vehicle="vin", opened="opened", closed="closed",
    ...                                 by="dealer", as_of=100 * day)
    >>> t.to_dict()["dealer"], t.to_dict()["value"]
    (['D1', 'D2'], [0.5, 1.0])
    """
    return _ftf(vehicles, complaints, opened, closed, vehicle=vehicle, window_days=window_days,
                as_of=as_of, exclude_incomplete=exclude_incomplete, comeback=False, by=by,
                timestamps=timestamps, time=time, period=period, tz=tz)


def comeback_rate(
    vehicles: Any,
    opened: Any = None,
    closed: Any = None,
    *,
    complaints: Any = None,
    window_days: int | None = None,
    as_of: Any = None,
    exclude_incomplete: bool | None = None,
    by: Any = None,
    timestamps: Any = None,
    period: str | None = None,
    tz: str | None = None,
    vehicle: str | None = None,
    time: str | None = None,
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
    return _ftf(vehicles, complaints, opened, closed, vehicle=vehicle, window_days=window_days,
                as_of=as_of, exclude_incomplete=exclude_incomplete, comeback=True, by=by,
                timestamps=timestamps, time=time, period=period, tz=tz)


def diagnosis_accuracy(
    vehicles: Any,
    opened: Any = None,
    closed: Any = None,
    operations: Any = None,
    *,
    complaints: Any = None,
    window_days: int | None = None,
    as_of: Any = None,
    exclude_incomplete: bool | None = None,
    by: Any = None,
    timestamps: Any = None,
    period: str | None = None,
    tz: str | None = None,
    vehicle: str | None = None,
    time: str | None = None,
) -> KpiTable:
    """Diagnosis accuracy: complaints whose first diagnosis held.

    An *episode* is a complaint's first visit and the chain of comebacks
    that follows it (the rule of :func:`first_time_fix_rate`: the same
    vehicle and ``complaints`` key opened again within ``window_days`` of
    closing). The first diagnosis held when no later visit of the episode
    had a different ``operations`` value (a repeat with the *same*
    operation is a repair that did not hold, which first-time fix counts).
    Value = episodes whose diagnosis held / episodes judged; an episode
    still open at ``as_of`` is judged once an operation changed, else left
    out (``exclude_incomplete=True``) or counted as accurate. Episodes are
    counted at their first visit's row (``by=`` and ``period=`` group by
    it). Tables merge (``a + b``) when the input was partitioned by
    vehicle. The source's "治标不治本": a noise repaired three times as a
    suspension fault, fixed on the fourth visit by welding the body.

    >>> day = 86_400
    >>> t = nps.kpi.diagnosis_accuracy(
    ...     ["Zhang"] * 4 + ["Li"],
    ...     [0, 10 * day, 20 * day, 30 * day, 0],
    ...     [day, 11 * day, 21 * day, 35 * day, day],
    ...     ["suspension", "suspension", "suspension", "body_weld", "alignment"],
    ...     complaints=["noise"] * 4 + ["tyres"])
    >>> t.numerator, t.denominator  # Zhang's first diagnosis did not hold
    (1.0, 2.0)
    """
    if operations is None:
        raise TypeError("diagnosis_accuracy() needs the operations of the jobs (operations=)")
    return _episodes(vehicles, complaints, opened, closed, operations, vehicle=vehicle,
                     window_days=window_days, as_of=as_of,
                     exclude_incomplete=exclude_incomplete, by=by, timestamps=timestamps,
                     time=time, period=period, tz=tz)


def visits_per_resolution(
    vehicles: Any,
    opened: Any = None,
    closed: Any = None,
    *,
    complaints: Any = None,
    window_days: int | None = None,
    as_of: Any = None,
    exclude_incomplete: bool | None = None,
    by: Any = None,
    timestamps: Any = None,
    period: str | None = None,
    tz: str | None = None,
    vehicle: str | None = None,
    time: str | None = None,
) -> KpiTable:
    """Visits per resolution: the mean number of visits a complaint took.

    Episodes as in :func:`diagnosis_accuracy`; a resolved episode ends with
    a visit that did not come back. Value = visits / resolved episodes (a
    mean, not a share: ``numerator`` is the visits, ``denominator`` the
    episodes; unit ``"visits"``). Episodes still open at ``as_of`` are
    left out (``exclude_incomplete=True``) or counted with their visits so
    far. Lower is better; 1.0 is every complaint fixed on its first visit.

    >>> day = 86_400
    >>> t = nps.kpi.visits_per_resolution(["Zhang"] * 4 + ["Li"],
    ...                                   [0, 10 * day, 20 * day, 30 * day, 0],
    ...                                   [day, 11 * day, 21 * day, 35 * day, day])
    >>> t.numerator, t.denominator, t.value  # Zhang's noise: 4 visits; Li: 1
    (5.0, 2.0, 2.5)
    """
    return _episodes(vehicles, complaints, opened, closed, None, vehicle=vehicle,
                     window_days=window_days, as_of=as_of,
                     exclude_incomplete=exclude_incomplete, by=by, timestamps=timestamps,
                     time=time, period=period, tz=tz)


def job_outcomes(
    vehicles: Any,
    opened: Any = None,
    closed: Any = None,
    *,
    complaints: Any = None,
    window_days: int | None = None,
    as_of: Any = None,
    vehicle: str | None = None,
) -> list[str]:
    """The verdict per job: "fixed", "came_back" or "incomplete" (the
    DataFrame form as :func:`first_time_fix_rate`'s).

    >>> day = 86_400
    >>> nps.kpi.job_outcomes(["V1", "V2", "V1"], [0, 0, 11 * day], [day, day, 12 * day],
    ...                      as_of=20 * day)
    ['came_back', 'incomplete', 'incomplete']
    """
    return _outcomes(vehicles, complaints, opened, closed, vehicle=vehicle,
                     window_days=window_days, as_of=as_of)


def repeat_complaint_rate(
    subjects: Any,
    raised: Any = None,
    closed: Any = None,
    *,
    window_days: int | None = None,
    as_of: Any = None,
    by: Any = None,
    timestamps: Any = None,
    period: str | None = None,
    tz: str | None = None,
    subject: str | None = None,
    time: str | None = None,
) -> KpiTable:
    """Complaints raised again for the same case or vehicle (``subjects``)
    within ``window_days`` of closing / complaints closed. Benchmark
    ``repeat_complaint_rate`` (> 15 % signals unresolved root causes).
    DataFrame form: ``repeat_complaint_rate(df, subject="case_id",
    raised="raised_at", closed="closed_at", by=..., time=...)``; tables of
    parts merge when the input was partitioned by subject.

    >>> day = 86_400
    >>> t = nps.kpi.repeat_complaint_rate(["C1", "C1", "C2"], [0, 5 * day, 0], [day, 6 * day, day],
    ...                                   as_of=100 * day)
    >>> t.numerator, t.denominator  # C1 raised again 4 days after it was closed
    (1.0, 3.0)
    """
    return _repeat(subjects, raised, closed, subject=subject, window_days=window_days,
                   as_of=as_of, by=by, timestamps=timestamps, time=time, period=period, tz=tz)


def bay_utilization(
    occupied_hours: Any,
    *,
    repair_bays: int,
    calendar: Any,
    start: Any,
    end: Any,
    repair_bay: Any = None,
    occupied: str | None = None,
) -> Kpi:
    """Occupied repair hours / (repair bays x open hours of ``calendar``
    between ``start`` and ``end``); holidays and make-up days included.
    Rows with ``repair_bay`` False (wash, reception) are left out.
    DataFrame form: ``bay_utilization(df, occupied="hours",
    repair_bay="is_repair_bay", repair_bays=..., calendar=..., start=...,
    end=...)``.

    >>> import datetime as dt
    >>> cal = nps.Calendar("UTC", {d: [("08:00", "18:00")] for d in ("mon", "tue", "wed", "thu", "fri")})
    >>> k = nps.kpi.bay_utilization([6.0, 9.0], repair_bays=2, calendar=cal,
    ...                             start=dt.datetime(2025, 6, 13, tzinfo=dt.timezone.utc),
    ...                             end=dt.datetime(2025, 6, 14, tzinfo=dt.timezone.utc))
    >>> k.value  # 15 h / (2 bays * 10 h on Friday)
    0.75
    """
    return _bay(occupied_hours, repair_bays=repair_bays, calendar=calendar, start=start, end=end,
                repair_bay=repair_bay, occupied=occupied)


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
    worked: str | None = None,
    available: str | None = None,
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

    The DataFrame form: a jobs DataFrame first (``worked=``,
    ``srt_hours=`` or ``operations=``, ``technicians=`` naming its
    columns) and ``available_hours`` a number or an attendance DataFrame
    (``available=`` naming its hours, ``available_technicians=`` its
    technician column, by default the same name as ``technicians=``).

    >>> t = nps.kpi.technician_figures([7.2], 8.0, srt_hours=[9.0])
    >>> t.efficiency.value, t.proficiency.value  # 9 / 7.2, 9 / 8
    (1.25, 1.125)
    """
    rows = _tech(worked_hours, available_hours, srt_hours=srt_hours, operations=operations,
                 catalog=catalog, technicians=technicians,
                 available_technicians=available_technicians, worked=worked,
                 available=available)
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


def effective_labour_rate(sales_minor: Any, hours_sold: Any = None, pay_types: Any = None, *,
                          sales: str | None = None) -> dict[str, Kpi]:
    """Labour sales (integer minor units) / labour hours sold, overall
    (key "all") and per pay type ("customer", "warranty", "internal");
    values are minor units per hour. An unknown pay type is an
    ``InvalidValueError`` naming its row. DataFrame form:
    ``effective_labour_rate(df, sales="sales", hours_sold="hours",
    pay_types="pay_type")``.

    >>> r = nps.kpi.effective_labour_rate([30000, 10000], [2.0, 1.0], ["customer", "warranty"])
    >>> r["all"].value, r["customer"].value  # 40000 / 3 h; 30000 / 2 h
    (13333.333333333334, 15000.0)
    """
    overall, per = _labour(sales_minor, hours_sold, pay_types, sales=sales)
    return {"all": overall, **dict(per)}


def hours_per_ro(
    worked_hours: Any,
    *,
    srt_hours: Any = None,
    operations: Any = None,
    catalog: SrtCatalog | None = None,
    basis: str = "srt",
    worked: str | None = None,
) -> Kpi:
    """Hours per repair order (one row per RO): ``basis="srt"`` SRT hours /
    ROs with an SRT (coverage = their share), ``basis="worked"`` hours
    worked / ROs. DataFrame form: ``hours_per_ro(df, worked="hours",
    srt_hours="srt", basis=...)``.

    >>> nps.kpi.hours_per_ro([1.0, 2.0, 3.0], basis="worked").value  # 6 h / 3 ROs
    2.0
    """
    return _hpro(worked_hours, srt_hours=srt_hours, operations=operations, catalog=catalog,
                 basis=basis, worked=worked)


def time_kpi(
    data: Any = None,
    *,
    target_seconds: int,
    start: Any = None,
    end: Any = None,
    seconds: Any = None,
    by: Any = None,
    timestamps: Any = None,
    period: str | None = None,
    tz: str | None = None,
    time: str | None = None,
) -> TimeTable:
    """A time KPI from ``start``/``end`` timestamps or ``seconds`` durations:
    n, mean, median, p90 (linear interpolation, numpy's default) and the
    share within ``target_seconds`` (inclusive). The DataFrame form:
    ``time_kpi(df, target_seconds=180, start="arrived_at",
    end="greeted_at", by="dealer")``.

    >>> t = nps.kpi.time_kpi(target_seconds=180, start=[0, 0], end=[120, 300])
    >>> t.overall.n, t.overall.mean, t.value
    (2, 210.0, 0.5)
    >>> import pandas as pd
    >>> df = pd.DataFrame({"wait": [60, 240, 90], "dealer": [7, 7, 9]})
    >>> t = nps.kpi.time_kpi(df, target_seconds=180, seconds="wait", by="dealer")
    >>> t.to_dict()["dealer"], t.to_dict()["median"]
    ([7, 9], [150.0, 90.0])
    """
    return _time(target_seconds, data=data, start=start, end=end, seconds=seconds, by=by,
                 timestamps=timestamps, time=time, period=period, tz=tz)


def reception_response_time(
    arrived: Any,
    greeted: Any = None,
    *,
    target_seconds: int | None = None,
    policy: Policy | None = None,
    start: str | None = None,
    end: str | None = None,
    **group: Any,
) -> TimeTable:
    """Arrival -> greeted by an advisor. Target from the policy benchmark
    ``reception_response_minutes`` (3 min by default), a per-visit standard:
    the scorecard judges ``value``, the share of visits within it, against
    the policy's ``target_share`` (90 % by default). DataFrame form:
    ``reception_response_time(df, start="arrived_at", end="greeted_at")``.

    >>> t = nps.kpi.reception_response_time([0, 0], [120, 300])  # target 3 min
    >>> t.value
    0.5
    """
    return _time(target_seconds, arrived, measure="reception_response_time", policy=policy,
                 start=start, end=greeted if greeted is not None else end, **group)


def delivery_time(
    finished: Any,
    left: Any = None,
    *,
    target_seconds: int | None = None,
    policy: Policy | None = None,
    start: str | None = None,
    end: str | None = None,
    **group: Any,
) -> TimeTable:
    """Repair finished -> customer leaves. Target from the policy benchmark
    ``delivery_minutes`` (15 min by default), a per-visit standard judged by
    the share of visits within it (see ``reception_response_time``).
    DataFrame form:
    ``delivery_time(df, start="finished_at", end="left_at")``.

    >>> t = nps.kpi.delivery_time([0, 0], [600, 1200])  # target 15 min
    >>> t.overall.median, t.value
    (900.0, 0.5)
    """
    return _time(target_seconds, finished, measure="delivery_time", policy=policy, start=start,
                 end=left if left is not None else end, **group)


def rate(flags: Any, eligible: Any = None, *, flag: str | None = None, **group: Any) -> KpiTable:
    """Rows flagged / eligible rows (every row when ``eligible`` is None).
    DataFrame form: ``rate(df, flag="kept", eligible="booked", by=...)``.

    >>> nps.kpi.rate([1, 0, 1, 1]).value
    0.75
    >>> nps.kpi.rate([True, False], eligible=[True, False]).value  # 1 of 1 eligible
    1.0
    """
    return _rate(None, flags, flags=flag, eligible=eligible, **group)


def ready_when_promised(delivered: Any, promised: Any = None, *, delivery: str | None = None,
                        **group: Any) -> KpiTable:
    """ROs delivered by the promised time / ROs with a promise (NaT / None =
    no promise, left out). DataFrame form: ``ready_when_promised(df,
    delivery="delivered_at", promised="promised_at")``.

    >>> t = nps.kpi.ready_when_promised([100, 300, 50], [200, 200, None])  # no promise: left out
    >>> t.numerator, t.denominator
    (1.0, 2.0)
    """
    return _rate("ready_when_promised", delivered, delivered=delivery, promised=promised, **group)


def appointment_fulfillment_rate(kept: Any, *, flag: str | None = None, **group: Any) -> KpiTable:
    """Appointments kept / booked (one row per booked appointment).
    DataFrame form: ``appointment_fulfillment_rate(df, flag="kept")``.

    >>> nps.kpi.appointment_fulfillment_rate([1, 1, 0, 1]).value
    0.75
    """
    return _rate("appointment_fulfillment_rate", kept, flags=flag, **group)


def pre_service_inspection_rate(inspected: Any, *, flag: str | None = None,
                                **group: Any) -> KpiTable:
    """Walk-around inspections / receptions (one row per reception).
    DataFrame form: ``pre_service_inspection_rate(df, flag="inspected")``.

    >>> nps.kpi.pre_service_inspection_rate([1, 0]).value
    0.5
    """
    return _rate("pre_service_inspection_rate", inspected, flags=flag, **group)


def follow_up_completion_rate(
    service_end: Any, follow_up: Any = None, *, excluded: Any = None,
    earliest_days: float | None = None, latest_days: float | None = None,
    end: str | None = None, **group: Any
) -> KpiTable:
    """Services followed up in the window / services due a follow-up.

    A service is followed up when its call (``follow_up``; NaT / None = no
    call) came between ``earliest_days`` and ``latest_days`` after the
    service end, both inclusive; not given: nps-core's ``FollowUpOptions``
    defaults, 3 and 7 days (the source's call "3-7 days after the
    service"). A call before ``earliest_days`` is too early (the customer
    has hardly driven the car) and one after ``latest_days`` too late:
    neither counts. ``excluded`` (flags): services that need no follow-up,
    e.g. those whose problem was marked resolved (the source skips the
    call then); they leave the numerator and the denominator, and the
    coverage shows the share judged. Benchmark 100 %. DataFrame form:
    ``follow_up_completion_rate(df, end="service_end",
    follow_up="called_at", excluded="resolved")``.

    >>> day = 86_400
    >>> # calls on day 2 (too early), 3, 7 and 8 (too late); the last service was resolved
    >>> t = nps.kpi.follow_up_completion_rate([0] * 5, [2 * day, 3 * day, 7 * day, 8 * day, None],
    ...                                       excluded=[0, 0, 0, 0, 1])
    >>> t.numerator, t.denominator, t.coverage
    (2.0, 4.0, 0.8)
    """
    return _rate("follow_up_completion_rate", service_end, service_end=end, follow_up=follow_up,
                 excluded=excluded, earliest_days=earliest_days, latest_days=latest_days,
                 **group)


def repeat_visit_rate(booked: Any, *, flag: str | None = None, **group: Any) -> KpiTable:
    """Visits booked through follow-up / follow-ups. Benchmark >= 30 %.
    DataFrame form: ``repeat_visit_rate(df, flag="booked")``.

    >>> nps.kpi.repeat_visit_rate([1, 0, 0, 0]).value
    0.25
    """
    return _rate("repeat_visit_rate", booked, flags=flag, **group)


def first_contact_resolution_rate(no_further_contact: Any, resolved: Any = None, *,
                                  flag: str | None = None, **group: Any) -> KpiTable:
    """Requests resolved with no further contact / requests resolved.
    DataFrame form: ``first_contact_resolution_rate(df,
    flag="no_further_contact", resolved="resolved")``.

    >>> nps.kpi.first_contact_resolution_rate([1, 0, 0], [1, 1, 0]).value  # 1 of 2 resolved
    0.5
    """
    return _rate("first_contact_resolution_rate", no_further_contact, flags=flag,
                 eligible=resolved, **group)


def csat(ratings: Any, *, satisfied_min: float | None = None, rating: str | None = None,
         **group: Any) -> KpiTable:
    """Satisfied ratings (``>= satisfied_min``) / ratings; ``satisfied_min``
    not given: nps-core's ``CsatOptions`` default (4, of a 1-5 scale).
    DataFrame form: ``csat(df, rating="stars", by="dealer")``.

    >>> nps.kpi.csat([5, 4, 3, 2]).value  # ratings >= 4
    0.5
    """
    return _rate("csat", ratings, ratings=rating, satisfied_min=satisfied_min, **group)


def service_revenue_per_engineer(revenue_minor: Any, engineers: int, *,
                                 revenue: str | None = None) -> Kpi:
    """Service revenue (minor units) / engineers; no data with 0 engineers.
    DataFrame form: ``service_revenue_per_engineer(df, 4, revenue="revenue")``.

    >>> nps.kpi.service_revenue_per_engineer([500000, 300000], 4).value
    200000.0
    """
    return _revenue(revenue_minor, engineers, revenue=revenue)


@dataclass(frozen=True)
class ScoreLine:
    """One scorecard line: the KPI, the value judged, the bounds it is
    judged against (``min`` / ``max``, inclusive), the status ("meets",
    "misses", "no_data" or "no_benchmark") and the unit of the value and
    bounds ("fraction", "minutes", "hours", "minor_units",
    "minor_units_per_hour", "visits"; None for a name that is not a
    benchmark name).

    The time benchmarks (``reception_response_minutes``,
    ``delivery_minutes``) are per-visit standards: ``value`` is the share
    of visits within ``standard_minutes`` (a fraction) and ``min`` the
    share the policy requires (default 0.9).

    >>> line = nps.kpi.scorecard({"first_time_fix_rate": 0.9})[0]
    >>> line.kpi, line.status, line.unit
    ('first_time_fix_rate', 'meets', 'fraction')
    >>> r = nps.kpi.scorecard({"reception_response_minutes": 2 / 3})[0]
    >>> r.standard_minutes, r.min, r.status
    (3.0, 0.9, 'misses')
    """

    kpi: str
    value: float | None
    min: float | None
    max: float | None
    status: str
    unit: str | None = None
    standard_minutes: float | None = None


class Scorecard(list):  # type: ignore[type-arg]
    """A list of :class:`ScoreLine` with ``to_pandas()`` / ``to_polars()``."""

    def _columns(self) -> dict[str, list[Any]]:
        fields = ("kpi", "value", "min", "max", "status", "unit", "standard_minutes")
        return {f: [getattr(x, f) for x in self] for f in fields}

    def to_pandas(self) -> Any:
        """A pandas DataFrame, one row per KPI."""
        import pandas as pd

        c = self._columns()
        for name in _SCORE_FLOATS:
            c[name] = pd.array(c[name], dtype="Float64")  # type: ignore[assignment]
        return pd.DataFrame(c)

    def to_polars(self) -> Any:
        """A polars DataFrame, one row per KPI."""
        import polars as pl

        return pl.DataFrame(self._columns(),
                            schema_overrides={n: pl.Float64 for n in _SCORE_FLOATS})


_SCORE_FLOATS = ("value", "min", "max", "standard_minutes")


def scorecard(results: Mapping[str, Any], policy: Policy | None = None) -> Scorecard:
    """Each result against the policy's benchmark of the same name.

    ``results`` maps KPI names (``first_time_fix_rate``, ...) to a Kpi, a
    KpiTable (its overall value), a TimeKpi / TimeTable or a number / None.
    ``policy`` defaults to ``nps.Policy.default()``.

    Reception and delivery time (``reception_response_minutes``,
    ``delivery_minutes``) are per-visit standards (3 and 15 minutes): a
    TimeKpi / TimeTable is judged by its **share of visits within the
    standard** against the share the policy requires (``target_share``,
    default 90 %), never by its mean; a number given for them is that
    share. The time KPI must have been computed with the standard as its
    target (the default of ``reception_response_time`` /
    ``delivery_time``); another target is an ``InvalidArgumentError``
    naming ``target_seconds``.

    >>> lines = nps.kpi.scorecard({"first_time_fix_rate": 0.9, "comeback_rate": 0.12})
    >>> [(l.kpi, l.status) for l in lines]  # benchmarks >= 85 % and < 10 %
    [('first_time_fix_rate', 'meets'), ('comeback_rate', 'misses')]
    >>> # 120, 240, 170 s: mean 2.94 min, but only 2 of 3 visits within 3 min
    >>> t = nps.kpi.reception_response_time([0, 0, 0], [120, 240, 170])
    >>> line = nps.kpi.scorecard({"reception_response_minutes": t})[0]
    >>> round(line.value, 4), line.min, line.standard_minutes, line.status
    (0.6667, 0.9, 3.0, 'misses')
    """
    pairs: list[tuple[str, Any]] = []
    for name, r in results.items():
        if isinstance(r, (KpiTable, TimeTable)):
            r = r.overall
        pairs.append((name, r))
    return Scorecard(ScoreLine(*line) for line in _scorecard(pairs, policy))


from nps._nps import EstimateAccuracy  # noqa: E402
from nps._nps import _kpi_estimate_accuracy as _estimate  # noqa: E402


def estimate_accuracy(quoted_minor: Any, final_minor: Any, *, approved_minor: Any = None,
                      tolerance: float | None = None, currency: str | None = None,
                      currencies: Any = None, quoted: str | None = None,
                      **group: Any) -> EstimateAccuracy:
    """Estimate accuracy (price transparency): per repair order the quote
    against the final bill in integer minor units. ``value`` is the share of
    orders billed within ``tolerance`` of the quote (``|final - quote| <=
    tolerance * quote``; default 0.10); ``overrun_minor`` and
    ``overrun_relative`` are the distributions of ``final - quote`` and
    ``(final - quote) / quote``; ``unapproved`` counts the orders billed more
    than the quote plus ``approved_minor`` (the additions the customer
    approved). A quote of 0 is no data for that order (it lowers the
    coverage). Amounts in another currency than ``currency`` (default CNY)
    in ``currencies`` are an error. ``by=``, ``time=`` / ``timestamps=``,
    ``period=`` and ``tz=`` group ``table`` and ``unapproved_table``.
    DataFrame form: ``estimate_accuracy(df, "final", quoted="quote",
    approved_minor="approved", by="dealer")``. The distributions are
    :class:`nps.flow.Distribution` objects (``n``, ``mean``, ``median``,
    ``p90``). Results of parts of the orders merge exactly (``a.merge(b)``,
    ``a + b``, ``sum(parts)``; another tolerance or currency is an error
    naming ``other``) and pickle with their key names.

    The source's order: 800 quoted, 1500 billed, nothing approved.

    >>> e = nps.kpi.estimate_accuracy([80_000], [150_000])
    >>> e.value, e.unapproved, e.unapproved_minor, e.overrun_relative.mean
    (0.0, 1, 70000, 0.875)
    """
    return _estimate(quoted_minor, final_minor, quoted=quoted, approved_minor=approved_minor,
                     tolerance=tolerance, currency=currency, currencies=currencies, **group)


from nps._nps import PartsAvailability  # noqa: E402
from nps._nps import _kpi_parts_availability as _parts  # noqa: E402

for _name, _method in _table.frame_methods(
        lambda self: self._table(),
        "groups (fill rate, repair orders delayed by parts, parts waits), one row per group,").items():
    setattr(PartsAvailability, _name, _method)


def parts_availability(ro: Any, from_stock: Any = None, *, wait_s: Any = None,
                       ro_column: str | None = None, **group: Any) -> PartsAvailability:
    """Parts availability over part lines (one row per line requested at a
    visit): ``value`` is the first-pass fill rate (lines supplied from stock
    / lines requested), ``delayed_ros`` the share of repair orders with a
    line not from stock, ``wait_s`` the :class:`nps.flow.Distribution`
    (``n``, ``mean``, ``median``, ``p90``) of the recorded parts waits in
    seconds of the lines not from stock (``wait_s``: seconds,
    ``datetime.timedelta`` or a ``timedelta64`` column; NaN / None / NaT =
    not recorded; "3 days" is 259200). Repair orders are compared as text. ``by=`` (part,
    supplier, dealer), ``time=`` / ``period=`` group the result: ``table``
    is the fill rate per group, and ``to_pandas()`` / ``to_polars()`` /
    ``to_dict()`` / ``to_arrow()`` give one row per group with its fill
    rate (``value``, ``numerator``, ``denominator``, ``coverage``), its
    share of repair orders delayed (``delayed_ros_value``, …; an order
    counts once per group it has lines in) and its waits (``wait_s_n``,
    ``wait_s_mean``, ``wait_s_median``, ``wait_s_p90``). DataFrame
    form: ``parts_availability(df, "from_stock", ro_column="ro",
    wait_s="wait_s", by="supplier")``. Results of parts of the lines merge
    exactly (``a.merge(b)``, ``a + b``; a repair order with lines in both
    counts once) and pickle with their key names.

    >>> p = nps.kpi.parts_availability(["r1", "r2"], [True, False], wait_s=[None, 3 * 86400])
    >>> p.value, p.delayed_ros.value, p.wait_s.mean
    (0.5, 0.5, 259200.0)
    """
    return _parts(ro, from_stock, ro=ro_column, wait_s=wait_s, **group)
