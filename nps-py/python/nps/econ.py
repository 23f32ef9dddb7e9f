"""Service economics and strategic position: the service P&L per unit and
period (:func:`ledger`), the lifecycle service cost of each product line
(:func:`lifecycle_cost`) and the strategic value matrix (:func:`quadrant`,
:func:`quadrants`).

Money is integer minor units (fen, cents) with an ISO 4217 currency, never
floating point; lines in other currencies need exact rates. Every ratio
with a zero denominator is no data (null), never 0 or NaN; a unit missing a
measure has no quadrant, never a default one. All rules live in the Rust
core (nps-core ``econ``); this module only names and converts.

The source's province: three engineers cost 1,500,000 a year, service
revenue is 800,000 — a loss of 700,000, an input-output ratio of 0.533.

>>> import nps, pandas as pd
>>> df = pd.DataFrame({
...     "region": ["west", "west", "west"],
...     "category": ["service_delivery", "parts", "paid_service"],
...     "amount": [150_000_000, 50_000_000, 30_000_000],   # fen
...     "engineers": [3, None, None],
... })
>>> led = nps.econ.ledger(df, unit="region", category="category", amount_minor="amount",
...                       engineers="engineers")
>>> row = led.to_dict()
>>> row["profit_minor"], round(row["input_output_ratio"][0], 4), row["cost_to_revenue"]
([-70000000], 0.5333, [1.875])
>>> nps.econ.quadrant(customer_value=0.62, business_value=0.30).quadrant
'value_island'
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from nps import _table
from nps._nps import EconTable, Placement
from nps._nps import _econ_categories, _econ_known_measures, _econ_texts
from nps._nps import _econ_ledger as _ledger
from nps._nps import _econ_lifecycle_cost as _lifecycle
from nps._nps import _econ_quadrant as _quadrant
from nps._nps import _econ_quadrants as _quadrants

__all__ = [
    "CATEGORIES",
    "EconTable",
    "KNOWN_MEASURES",
    "Placement",
    "QUADRANTS",
    "ledger",
    "lifecycle_cost",
    "quadrant",
    "quadrants",
]

for _name, _method in _table.frame_methods(lambda self: self._table(), "table").items():
    setattr(EconTable, _name, _method)

#: The default ledger categories: name -> "revenue" or "cost" (nps-core
#: ``econ::default_categories``; the policy data of :func:`ledger`'s
#: ``categories``).
CATEGORIES: dict[str, str] = {name: side for name, side, _ in _econ_categories()}

#: The measures known by name: name -> (axis, weight, low, high), from
#: nps-core ``econ::known_measures`` (low maps to 0, high to 1).
KNOWN_MEASURES: dict[str, tuple[str, float, float, float]] = {
    name: (axis, weight, low, high) for name, axis, weight, low, high in _econ_known_measures()
}

#: The quadrants in the source's order, each with its texts:
#: name -> {"label_zh", "challenge", "action", "challenge_zh", "action_zh"}.
QUADRANTS: dict[str, dict[str, str]] = {
    q: {"label_zh": l, "challenge": c, "action": a, "challenge_zh": cz, "action_zh": az}
    for q, l, c, a, cz, az in _econ_texts()
}


def ledger(
    data: Any = None,
    *,
    unit: Any = None,
    category: Any,
    amount_minor: Any,
    currency: str | None = None,
    currencies: Any = None,
    rates: Mapping[tuple[str, str], str] | None = None,
    target_mix: Mapping[str, float] | None = None,
    categories: Mapping[str, str] | None = None,
    engineers: Any = None,
    period: str | None = None,
    time: Any = None,
    timestamps: Any = None,
    tz: str | None = None,
) -> EconTable:
    """The service P&L per ``unit`` (dealer, region, product line, engineer;
    a column name or a list of names) and ``period`` (``"day"``,
    ``"week"``, ``"month"``, ``"quarter"``, ``"year"`` of the ``time`` column in
    ``tz``).

    Each row is one booked line: its ``category`` (one of
    :data:`CATEGORIES`), ``amount_minor`` (integer minor units, ``>= 0``)
    and, optionally, its currency (``currencies``; else every line is in
    ``currency``; not given: the core's default, CNY) and the ``engineers`` of its unit in the period (NaN /
    None = not stated; stated values of a unit and period must agree).
    Lines in another currency are converted with ``rates`` (``{("USD",
    "CNY"): "7.1234"}``: exact decimal text, half to even per line).
    ``target_mix`` gives target shares of revenue per revenue category.
    ``categories`` replaces the categories (policy data: name ->
    ``"revenue"`` or ``"cost"``); to extend the defaults, pass
    ``{**nps.econ.CATEGORIES, "insurance": "revenue"}``.

    With a DataFrame (pandas, polars, pyarrow) first, the column arguments
    name columns; without, they are the columns themselves.

    The table (``to_pandas()``, ``to_polars()``, ``to_arrow()``,
    ``to_dict()``): the unit column(s), ``period``, ``currency``, ``lines``,
    ``revenue_minor``, ``cost_minor``, ``profit_minor``, ``margin``,
    ``input_output_ratio`` (revenue / cost), ``cost_to_revenue``,
    ``engineers``, ``revenue_per_engineer_minor``, ``<category>_minor`` for
    every category, ``share_<category>`` for every revenue category, and
    ``target_<category>`` / ``gap_<category>`` (share - target) for every
    target. A zero denominator is null (no data).

    >>> led = nps.econ.ledger(None, unit=["a", "a", "b"], category=["parts", "quality_failure", "parts"],
    ...                       amount_minor=[800, 200, 500], target_mix={"parts": 0.6})
    >>> d = led.to_dict()
    >>> d["key"], d["profit_minor"], d["input_output_ratio"], d["gap_parts"]
    (['a', 'b'], [600, 500], [4.0, None], [0.4, 0.4])
    >>> ins = nps.econ.ledger(None, category=["insurance", "service_delivery"],
    ...                       amount_minor=[300, 200],
    ...                       categories={**nps.econ.CATEGORIES, "insurance": "revenue"})
    >>> ins.to_dict()["insurance_minor"], ins.to_dict()["profit_minor"]
    ([300], [100])
    """
    return _ledger(
        data,
        unit=unit,
        category=category,
        amount_minor=amount_minor,
        currency=currency,
        currencies=currencies,
        rates=[(f, t, r) for (f, t), r in (rates or {}).items()],
        target_mix=list((target_mix or {}).items()),
        categories=None if categories is None else list(categories.items()),
        engineers=engineers,
        period=period,
        time=time,
        timestamps=timestamps,
        tz=tz,
    )


def quadrant(
    customer_value: float,
    business_value: float,
    *,
    customer_threshold: float | None = None,
    business_threshold: float | None = None,
) -> Placement:
    """The quadrant of the strategic value matrix for one point (customer
    value and business value, each in [0, 1]; thresholds default to 0.5).
    A point exactly on a threshold counts as high. The result carries the
    source article's ``challenge`` and ``action`` (English and ``_zh``).

    >>> q = nps.econ.quadrant(customer_value=0.62, business_value=0.30)
    >>> q.quadrant, q.label_zh
    ('value_island', '价值孤岛')
    >>> nps.econ.quadrant(0.5, 0.5).quadrant  # on both thresholds: high, high
    'growth_engine'
    """
    return _quadrant(customer_value, business_value, customer_threshold=customer_threshold,
                     business_threshold=business_threshold)


def _measure(name: str, spec: Any) -> tuple[Any, str | None, float | None, float | None,
                                            float | None]:
    if isinstance(spec, Mapping):
        return (spec.get("column", name), spec.get("axis"), spec.get("weight"), spec.get("low"),
                spec.get("high"))
    return (spec, None, None, None, None)


def quadrants(
    data: Any = None,
    *,
    unit: Any = None,
    measures: Mapping[str, Any],
    period: str | None = None,
    time: Any = None,
    timestamps: Any = None,
    tz: str | None = None,
    customer_threshold: float | None = None,
    business_threshold: float | None = None,
) -> EconTable:
    """The strategic value matrix per ``unit`` and ``period``.

    ``measures`` maps a measure's name to its column (a column name with a
    DataFrame, else the values) or to a dict ``{"column": ..., "axis":
    "customer" | "business", "weight": w, "low": x0, "high": x1}``; known
    measures (:data:`KNOWN_MEASURES`: ``nps``, ``retention``,
    ``first_visit_resolution``, ``first_time_fix_rate``, ``csat``,
    ``margin``, ``input_output_ratio``, ``cost_to_revenue``) need only the
    column. Each axis is the weighted mean of its measures normalized to
    [0, 1] (``low`` -> 0, ``high`` -> 1, clamped). Each unit and period
    takes the value its rows state (one row per unit and period); a missing
    measure (NaN / None) leaves the unit without a quadrant that period.

    The table: unit column(s), ``period``, each measure, ``customer_value``,
    ``business_value``, ``quadrant``, ``previous_quadrant`` (the unit's
    quadrant in its previous period) and ``moved``.

    >>> t = nps.econ.quadrants(None, unit=["d1", "d2", "d3"],
    ...                        measures={"nps": [40.0, -20.0, None], "margin": [-0.3, 0.25, 0.1]})
    >>> t.to_dict()["quadrant"]
    ['value_island', 'profit_extractor', None]
    """
    spec = {str(name): _measure(str(name), s) for name, s in measures.items()}
    return _quadrants(data, spec, unit=unit, period=period, time=time, timestamps=timestamps,
                      tz=tz, customer_threshold=customer_threshold,
                      business_threshold=business_threshold)


def lifecycle_cost(
    units_df: Any,
    events_df: Any,
    *,
    unit: str = "unit",
    product_line: str = "product_line",
    sold: str = "sold",
    at: str = "at",
    amount_minor: str = "amount_minor",
    manufacturing_cost_minor: str | None = None,
    currencies: str | None = None,
    as_of: Any = None,
    horizons_months: Sequence[int] | None = None,
    confidence: float | None = None,
    tz: str | None = None,
    currency: str | None = None,
    rates: Mapping[tuple[str, str], str] | None = None,
) -> EconTable:
    """The mean cumulative service cost per unit by age in months, per
    product line (Nelson's estimator, correct for censoring: a unit sold 14
    months before ``as_of`` contributes to ages 0-14 only), with its
    confidence band.

    ``units_df`` has one row per unit sold (``unit``, ``product_line``,
    ``sold``, optionally ``manufacturing_cost_minor``); ``events_df`` one
    row per service cost event (``unit``, ``at``, ``amount_minor``). Ages
    are completed calendar months from the sale to the event in ``tz``
    (UTC by default); ``as_of`` defaults to the latest sale or event.
    ``currency`` is the currency of the result and of the manufacturing
    costs (not given: the core's default, CNY); events in another currency
    (the ``currencies`` column of ``events_df``) are converted with exact
    ``rates`` (``{("USD", "CNY"): "7.1234"}``), half to even per event.

    The table: ``product_line``, ``age_months``, ``at_risk``, ``events``,
    ``cost_minor``, ``mean_cumulative_minor``, ``se``, ``low``, ``high``.
    The curve is a step function given at the ages where it changes (ages
    with cost events), at age 0, at the month before each horizon it
    reaches and at its oldest age — the ages the data reach, never beyond.
    ``.summary``: per product line the currency, the
    units, the oldest age, the mean manufacturing cost and, per horizon h
    (default 36 and 60 months), ``cost_<h>m_minor`` (null where no unit
    has completed h months: never extrapolated), its band and
    ``share_of_manufacturing_<h>m``.

    >>> import pandas as pd
    >>> units = pd.DataFrame({"unit": ["u1", "u2"], "product_line": ["A", "A"],
    ...                       "sold": pd.to_datetime(["2025-01-01", "2025-03-01"])})
    >>> events = pd.DataFrame({"unit": ["u1", "u2"], "at": pd.to_datetime(["2025-02-10", "2025-03-02"]),
    ...                        "amount_minor": [300, 100]})
    >>> t = nps.econ.lifecycle_cost(units, events, as_of=pd.Timestamp("2025-04-01", tz="UTC"))
    >>> t.to_dict()["age_months"], t.to_dict()["mean_cumulative_minor"]
    ([0, 1, 3], [50.0, 200.0, 200.0])
    >>> t.summary.to_dict()["cost_36m_minor"]
    [None]
    """
    return _lifecycle(units_df, events_df, unit=unit, product_line=product_line, sold=sold,
                      manufacturing_cost_minor=manufacturing_cost_minor, event_unit=unit, at=at,
                      amount_minor=amount_minor, currencies=currencies, as_of=as_of,
                      horizons_months=None if horizons_months is None else list(horizons_months),
                      confidence=confidence, tz=tz, currency=currency,
                      rates=[(f, t, r) for (f, t), r in (rates or {}).items()])
