"""Customer value and loyalty: what NPS is worth.

The source articles justify NPS work by what it buys: customers scoring
after-sales >= 8 repurchase 2.7x as often within 6 months as low scorers;
a recovered detractor is worth about 480,000 (38,000 of their own spend
plus two referrals); high-value customers charge more than 5,000 kWh a
year. This module measures the first on your own data
(:func:`outcome_by_score`), computes the second as a documented formula
(:func:`customer_value`, :func:`customer_values`, :func:`rank_open_cases`)
and evaluates the third as policy data (:func:`high_value`). Every rule
lives in the Rust core (nps-core ``loyalty``); this module only names and
converts.

>>> import nps
>>> t = nps.loyalty.outcome_by_score([9, 10, 8, 3, 5, 2], [True, True, False, True, False, False],
...                                  bands=[("0-7", 0, 7), ("8-10", 8, 10)])
>>> d = t.to_dict()
>>> d["band"], d["outcomes"], d["n"], d["lift"]
(['0-7', '8-10'], [1, 2], [3, 3], [1.0, 2.0])
>>> nps.loyalty.customer_value(38_000_00, referrals=2, referral_value_minor=221_000_00).total_minor
48000000
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Sequence

import numpy as np

from nps import _table
from nps._nps import CustomerValue, OutcomeTable
from nps._nps import _loyalty_category_bands, _loyalty_high_value_default
from nps._nps import _loyalty_customer_value as _customer_value
from nps._nps import _loyalty_customer_values as _customer_values
from nps._nps import _loyalty_high_value as _high_value
from nps._nps import _loyalty_outcome_by_score as _outcome_by_score

__all__ = [
    "CATEGORY_BANDS",
    "CustomerValue",
    "HIGH_VALUE_RULE",
    "OutcomeTable",
    "customer_value",
    "customer_values",
    "high_value",
    "outcome_by_score",
    "rank_open_cases",
]

for _name, _method in _table.frame_methods(lambda self: self._table(), "table").items():
    setattr(OutcomeTable, _name, _method)

#: The default bands: ``[(name, low, high), ...]`` of the categories on the
#: standard scale (nps-core ``loyalty::category_bands``).
CATEGORY_BANDS: list[tuple[str, int, int]] = [tuple(b) for b in _loyalty_category_bands()]  # type: ignore[misc]

#: The default high-value rule (nps-core ``HighValueRule::default``): above
#: 5,000 kWh charged a year, or at least 6,600.00 CNY of service a year.
HIGH_VALUE_RULE: dict[str, Any] = json.loads(_loyalty_high_value_default())


def _bands(bands: Any) -> list[tuple[str, int, int]] | None:
    if bands is None:
        return None
    if isinstance(bands, Mapping):
        return [(str(k), int(v[0]), int(v[1])) for k, v in bands.items()]
    return [(str(b[0]), int(b[1]), int(b[2])) for b in bands]


def outcome_by_score(
    scores: Any,
    outcome: Any,
    *,
    bands: Sequence[tuple[str, int, int]] | Mapping[str, tuple[int, int]] | None = None,
    reference: str | None = None,
    as_of: Any = None,
    observed_until: Any = None,
    by: Any = None,
    period: str | None = None,
    time: Any = None,
    timestamps: Any = None,
    tz: str | None = None,
    confidence: float | None = None,
    data: Any = None,
) -> OutcomeTable:
    """The rate of a later outcome (repurchased, referred someone, retained)
    per score band, its lift over a reference band and a test of the
    difference.

    ``scores`` are whole numbers 0..10 and ``outcome`` booleans, one per
    respondent. ``bands`` are ``(name, low, high)`` triples (or ``{name:
    (low, high)}``) covering 0..10 exactly, e.g. ``[("0-7", 0, 7),
    ("8-10", 8, 10)]``; not given: the categories detractor / passive /
    promoter. ``reference`` names the band the others are compared with
    (not given: the band holding score 0).

    Censoring: ``observed_until`` gives when each respondent's observation
    window ends (datetimes or Unix seconds) and ``as_of`` when the outcomes
    were read; a respondent whose window ends after ``as_of`` is left out
    and counted in ``censored``, never counted as "did not repurchase".

    Grouped like every analysis: ``by`` (dealer, ...), ``period`` of the
    ``timestamps`` (or with a DataFrame the ``time`` column) in ``tz``. With
    a DataFrame as ``data``, ``scores``, ``outcome``, ``observed_until``,
    ``by`` and ``time`` name its columns.

    The table (``to_pandas()``, ``to_polars()``, ``to_arrow()``,
    ``to_dict()``): key columns, ``period``, ``band``, ``n``, ``outcomes``,
    ``censored``, ``rate`` with its Wilson interval ``low`` / ``high``,
    ``lift`` (rate / reference rate) with Koopman's score interval
    ``lift_low`` / ``lift_high``, and ``p_value`` (pooled score test against
    the reference, two-sided). No data is null.

    >>> import datetime as dt
    >>> t = nps.loyalty.outcome_by_score(
    ...     [10, 9, 7, 2, 4], [True, True, False, False, True],
    ...     observed_until=[100, 100, 100, 100, 500], as_of=200)
    >>> t.used, t.censored, t.to_dict()["censored"]
    (4, 1, [1, 0, 0])
    """
    return _outcome_by_score(
        data,
        scores,
        outcome,
        bands=_bands(bands),
        reference=reference,
        as_of=as_of,
        observed_until=observed_until,
        by=by,
        period=period,
        time=time,
        timestamps=timestamps,
        tz=tz,
        confidence=confidence,
    )


def customer_value(
    annual_spend_minor: int,
    *,
    margin: float | None = None,
    years: float | None = None,
    discount_rate: float | None = None,
    referrals: float | None = None,
    referral_value_minor: int | None = None,
    currency: str | None = None,
) -> CustomerValue:
    """A customer's value in integer minor units:
    ``annual_spend × margin × annuity(years, discount_rate)`` plus
    ``referrals × referral_value``, each part rounded to the minor unit
    (halves away from zero). The annuity is the present value of 1 a year
    paid at each year's end, ``(1 - (1 + r) ** -years) / r``, and ``years``
    when ``r = 0`` (so without discounting: spend × margin × years).

    The **recovery value** of a detractor is the same with ``referrals`` =
    the referrals expected if they are recovered.

    Not given: margin 1 (revenue, as the source counts it), one year, no
    discounting, no referrals, currency CNY (the core's defaults).

    The source's cases, with the parameters that reproduce them (a
    referral worth 221,000 — roughly one new car, implied by "about
    480,000"):

    >>> wang = nps.loyalty.customer_value(38_000_00, referrals=2, referral_value_minor=221_000_00)
    >>> wang.own_minor, wang.referral_minor, wang.total_minor
    (3800000, 44200000, 48000000)
    >>> nps.loyalty.customer_value(45_000_00, referrals=3, referral_value_minor=221_000_00).total_minor
    70800000
    >>> nps.loyalty.customer_value(3 * 2_200_00).total_minor   # Ms Li's service: 6,600 a year
    660000
    >>> nps.loyalty.customer_value(6_600_00, margin=0.3, years=5, discount_rate=0.08).own_minor
    790557
    """
    return _customer_value(
        annual_spend_minor,
        margin=margin,
        years=years,
        discount_rate=discount_rate,
        referrals=referrals,
        referral_value_minor=referral_value_minor,
        currency=currency,
    )


def customer_values(
    annual_spend_minor: Any,
    *,
    referrals: Any = None,
    years: Any = None,
    margin: float | None = None,
    default_years: float | None = None,
    discount_rate: float | None = None,
    referral_value_minor: int | None = None,
    currency: str | None = None,
) -> dict[str, np.ndarray]:
    """:func:`customer_value` of many customers (columns: lists, numpy,
    pandas, polars): ``referrals`` and ``years`` per customer (not given: 0
    and ``default_years``). Returns ``{"own_minor", "referral_minor",
    "total_minor"}`` as int64 arrays. A bad value names its column and row.

    >>> v = nps.loyalty.customer_values([38_000_00, 45_000_00], referrals=[2, 3],
    ...                                 referral_value_minor=221_000_00)
    >>> v["total_minor"].tolist()
    [48000000, 70800000]
    """
    own, ref, total = _customer_values(
        annual_spend_minor,
        referrals=referrals,
        years=years,
        margin=margin,
        default_years=default_years,
        discount_rate=discount_rate,
        referral_value_minor=referral_value_minor,
        currency=currency,
    )
    return {"own_minor": own, "referral_minor": ref, "total_minor": total}


def rank_open_cases(
    cases: Sequence[Any],
    now: Any,
    *,
    annual_spend_minor: Any,
    referrals: Any = None,
    years: Any = None,
    margin: float | None = None,
    default_years: float | None = None,
    discount_rate: float | None = None,
    referral_value_minor: int | None = None,
    currency: str | None = None,
    policy: Any = None,
) -> list[Any]:
    """Open cases ranked by expected recovered value, the values computed
    from customer columns (one row per case) with :func:`customer_values`:
    :func:`nps.rank_open_cases` given the total values in minor units
    (which it also accepts directly).

    >>> import datetime as dt
    >>> now = dt.datetime(2025, 6, 13, 12, tzinfo=dt.timezone.utc)
    >>> def opened(cid, hours_ago):
    ...     e = {"kind": "opened", "at": now - dt.timedelta(hours=hours_ago), "score": 2,
    ...          "reason": "waiting", "high_value": False, "public_opinion_risk": False}
    ...     return nps.Case.from_events([e], case_id=cid)
    >>> r = nps.loyalty.rank_open_cases([opened("wang", 2), opened("li", 30)], now,
    ...     annual_spend_minor=[38_000_00, 45_000_00], referrals=[2, 3],
    ...     referral_value_minor=221_000_00)
    >>> [(x.case_id, x.value) for x in r]
    [('wang', 48000000.0), ('li', 70800000.0)]
    """
    from nps import rank_open_cases as _rank

    v = customer_values(
        annual_spend_minor,
        referrals=referrals,
        years=years,
        margin=margin,
        default_years=default_years,
        discount_rate=discount_rate,
        referral_value_minor=referral_value_minor,
        currency=currency,
    )
    return _rank(cases, v["total_minor"].astype(np.float64), now, policy=policy)


def high_value(
    annual_kwh: Any = None,
    annual_spend_minor: Any = None,
    *,
    rule: Mapping[str, Any] | str | None = None,
    policy: Any = None,
) -> np.ndarray:
    """The high-value customer rule for each customer: the ``high_value``
    column of :meth:`nps.Policy.triage_many` when it is not known otherwise.

    ``annual_kwh`` (NaN / None = not known) and ``annual_spend_minor``
    (annual service spend in minor units of the rule's currency, e.g.
    visits × ticket; NaN / None = not known). ``rule`` is policy data
    (a dict or JSON text, fields as :data:`HIGH_VALUE_RULE`: a missing field
    takes its default, ``None`` turns a condition off); not given: above
    5,000 kWh a year (seed 001) or at least 6,600.00 CNY a year (the
    source's customer with three visits a year at 2,200). With ``policy``
    (an :class:`nps.Policy`) and no ``rule``, the policy's ``high_value``
    section is the rule.

    >>> nps.loyalty.high_value([5200, 5000, None], [None, 3 * 2_200_00, None]).tolist()
    [True, True, False]
    >>> nps.loyalty.high_value(annual_kwh=[9000], rule={"annual_kwh_above": None}).tolist()
    [False]
    """
    if rule is None and policy is not None:
        rule = json.loads(policy.to_json())["high_value"]
    text = rule if isinstance(rule, str) or rule is None else json.dumps(dict(rule))
    return _high_value(_nan_list(annual_kwh), _nan_list(annual_spend_minor), rule=text)


def _nan_list(col: Any) -> Any:
    """None inside a plain list becomes NaN (not known)."""
    if isinstance(col, (list, tuple)):
        return [float("nan") if v is None else v for v in col]
    return col
