"""Type stubs of the native module ``nps._nps`` (checked by ``python -m mypy.stubtest nps._nps``)."""

import datetime
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar, Literal, TypeAlias, final

__all__ = [
    "__version__",
    "NpsError",
    "InvalidScoreError",
    "NoDataError",
    "InvalidWeightError",
    "InvalidTimestampError",
    "InvalidArgumentError",
    "LengthMismatchError",
    "InvalidScaleError",
    "UnknownTimeZoneError",
    "DegenerateError",
    "CountOverflowError",
    "NumericalError",
    "InvalidPolicyError",
    "InvalidValueError",
    "InvalidEventError",
    "Tally",
    "Interval",
    "TestResult",
    "AdjustedComparison",
    "Scale",
    "test_benchmark",
    "compare",
    "compare_many",
    "ShareChange",
    "CountChange",
    "AdjustedChange",
    "compare_shares",
    "compare_counts",
    "compare_shares_many",
    "compare_counts_many",
    "sample_size",
    "classify",
    "Group",
    "GroupResult",
    "GoalPlan",
    "GoalReport",
    "PlanMonth",
    "Projection",
    "group_by",
    "track_goal",
    "set_max_threads",
    "max_threads",
    "Money",
    "Item",
    "Calendar",
    "Policy",
    "Triage",
    "TriageTable",
    "Approval",
    "CapCheck",
    "CaseStatus",
    "DeadlineStatus",
    "CaseEvent",
    "VisitAssessment",
    "VisitWarning",
    "Case",
    "RecoveryStatus",
    "StepStatus",
    "RecoveryRate",
    "RecoveryBand",
    "RecoveryStats",
    "RecoveryStatsTable",
    "RankedCase",
    "recovery_stats",
    "recovery_stats_from_case_columns",
    "rank_open_cases",
    "Rerating",
    "ManagedFlag",
    "ManagedFlags",
    "rerated_nps",
    "managed_flags",
    "ReratingTable",
    "rerated_nps_by",
    "Kpi",
    "KpiTable",
    "SrtCatalog",
    "TimeKpi",
    "TimeTable",
    "_column_numbers",
    "_kpi_bay_utilization",
    "_kpi_first_time_fix",
    "_kpi_episodes",
    "_kpi_hours_per_ro",
    "_kpi_job_outcomes",
    "_kpi_labour_rate",
    "_kpi_rate",
    "_kpi_repeat_complaint",
    "_kpi_revenue_per_engineer",
    "_kpi_scorecard",
    "_kpi_technician",
    "_kpi_time",
    "_kpi_time_target",
    "HeatMap",
    "HeatTable",
    "Queue",
    "erlang_c",
    "servers_needed",
    "EconTable",
    "Placement",
    "_econ_categories",
    "_econ_ledger",
    "_econ_quadrant",
    "_econ_known_measures",
    "_econ_texts",
    "_econ_quadrants",
    "_econ_lifecycle_cost",
    "OutcomeTable",
    "CustomerValue",
    "_loyalty_outcome_by_score",
    "_loyalty_category_bands",
    "_loyalty_customer_value",
    "_loyalty_customer_values",
    "_loyalty_high_value",
    "_loyalty_high_value_default",
    "_loyalty_value_defaults",
    "Distribution",
    "FlowReport",
    "_flow",
    "_flow_defaults",
    "StaffingTable",
    "CapacityGain",
    "staffing",
    "capacity_gain",
    "EstimateAccuracy",
    "_kpi_estimate_accuracy",
    "PartsAvailability",
    "_kpi_parts_availability",
]

__version__: str

_Method: TypeAlias = Literal["wald", "adjusted_wald", "score", "bayes"]
_TestMethod: TypeAlias = Literal["wald", "adjusted_wald"]
_Alternative: TypeAlias = Literal["two_sided", "greater", "less"]
_Adjust: TypeAlias = Literal["holm", "bh", "none"]
_InvalidPolicy: TypeAlias = Literal["raise", "skip"]
_Credible: TypeAlias = Literal["equal_tailed", "hpd"]
_PeriodName: TypeAlias = Literal["day", "week", "month", "quarter"]
_Triple: TypeAlias = tuple[float, float, float] | list[float]
# A column: numpy array (any int/float dtype), pandas/polars Series, Arrow array, list, ...
_Column: TypeAlias = Any

class NpsError(Exception):
    """Root of every error raised by nps; `kind` is the stable snake_case kind name.

    >>> try:
    ...     nps.Tally(0, 0, 0).nps
    ... except nps.NpsError as e:
    ...     print(type(e).__name__, e.kind)
    NoDataError no_data
    """

    kind: str

class InvalidScoreError(NpsError, ValueError):
    """A score that is not an integer of the scale (or NaN / null); `index` is the row, `value` the value.

    >>> try:
    ...     nps.Tally.from_scores([9, 11])
    ... except nps.InvalidScoreError as e:
    ...     print(e.index, e.value)
    1 11.0
    """

    index: int
    value: float

class NoDataError(NpsError, ValueError):
    """A statistic was asked of a sample without valid responses.

    >>> nps.Tally(0, 0, 0).nps
    Traceback (most recent call last):
    ...
    nps.NoDataError: ...
    """

class InvalidWeightError(NpsError, ValueError):
    """A weight that is negative, NaN or infinite; `index` is the row, `value` the weight.

    >>> nps.Tally.from_scores([9, 10], weights=[1.0, -1.0])
    Traceback (most recent call last):
    ...
    nps.InvalidWeightError: ...
    """

    index: int
    value: float

class InvalidTimestampError(NpsError, ValueError):
    """A timestamp outside the supported range (or NaT); `index` is the row, `value` the Unix seconds.

    >>> nps.group_by([1, 2], [9, 10], timestamps=[0, 2**62], period="day")
    Traceback (most recent call last):
    ...
    nps.InvalidTimestampError: ...
    """

    index: int
    value: int

class InvalidArgumentError(NpsError, ValueError):
    """An argument outside its domain; `argument` names it.

    >>> nps.sample_size(0.0, 0.5, 0.2)  # a margin of 0 points
    Traceback (most recent call last):
    ...
    nps.InvalidArgumentError: ...
    """

    argument: str

class LengthMismatchError(NpsError, ValueError):
    """Two columns that must have the same length do not; `argument` names the wrong one.

    >>> nps.group_by([1, 2], [9])
    Traceback (most recent call last):
    ...
    nps.LengthMismatchError: ...
    """

    argument: str

class InvalidScaleError(NpsError, ValueError):
    """Category ranges of a scale that overlap, leave gaps or are empty.

    >>> nps.Scale((1, 3), None, (5, 5))  # 4 is in no category
    Traceback (most recent call last):
    ...
    nps.InvalidScaleError: ...
    """
class UnknownTimeZoneError(NpsError, ValueError):
    """An IANA time-zone name that is not known.

    >>> nps.group_by([1], [9], timestamps=[0], period="day", tz="Mars/Olympus")
    Traceback (most recent call last):
    ...
    nps.UnknownTimeZoneError: ...
    """
class DegenerateError(NpsError, ValueError):
    """A statistic that is undefined for this sample (e.g. a zero standard error).

    >>> nps.test_benchmark(nps.Tally(0, 0, 30), 50.0, method="wald")  # all promoters: SE 0
    Traceback (most recent call last):
    ...
    nps.DegenerateError: ...
    """
class CountOverflowError(NpsError, OverflowError):
    """A count that does not fit in 64 bits.

    >>> issubclass(nps.CountOverflowError, OverflowError)
    True
    """
class NumericalError(NpsError, RuntimeError):
    """A numerical routine did not converge (a bug: please report it).

    >>> issubclass(nps.NumericalError, RuntimeError)
    True
    """

class InvalidPolicyError(NpsError, ValueError):
    """A policy or calendar document with problems; `problems` lists every one as (path, message) tuples (path "" is the document root).

    >>> nps.Policy.from_json('{"currency": 1}')
    Traceback (most recent call last):
    ...
    nps.InvalidPolicyError: ...
    """

    problems: list[tuple[str, str]]

class InvalidValueError(NpsError, ValueError):
    """An element of an input column or record that is out of its domain; `argument` is the column, `index` the row.

    >>> nps.kpi.rate([1, 2])  # a flag must be 0 or 1
    Traceback (most recent call last):
    ...
    nps.InvalidValueError: ...
    """

    argument: str
    index: int

class InvalidEventError(NpsError, ValueError):
    """A case event that cannot be applied (out of order, for a closed case, missing a field); the case is unchanged. `event` is the event kind, `index` its position in a log (or None).

    >>> nps.Case.from_events([{"kind": "acknowledged", "at": 0}])  # not opened first
    Traceback (most recent call last):
    ...
    nps.InvalidEventError: ...
    """

    event: str
    index: int | None

@final
class Tally:
    """A tally of survey responses: the counts of the scores 0..=10 (or only of
    the three categories), optionally weighted, with the invalid rows skipped.

    >>> t = nps.Tally.from_scores([10, 9, 9, 8, 7, 6, 3, 10, 9, 0])
    >>> t.n, t.nps  # 5 promoters (50 %) and 3 detractors (30 %) of 10
    (10, 20.0)
    >>> nps.Tally(detractors=2, passives=3, promoters=5).nps
    30.0
    """

    def __new__(
        cls, detractors: int = 0, passives: int = 0, promoters: int = 0, *, skipped: int = 0
    ) -> Tally: ...
    @classmethod
    def from_counts(cls, counts: Iterable[int], *, skipped: int = 0) -> Tally:
        """A tally from the 11 counts of the scores 0, 1, ..., 10."""
    @classmethod
    def from_scores(
        cls, column: _Column, *, weights: _Column | None = None, invalid: _InvalidPolicy = "raise"
    ) -> Tally:
        """Tallies a column of scores: a numpy array of any integer or float
        dtype (not copied), a pandas or polars Series, a list, or anything with
        `__array__`. NaN / None / null are invalid rows: `invalid="raise"`
        raises `InvalidScoreError` naming the first one, `"skip"` drops and
        counts them (`skipped`). With `weights`, a weighted tally.
        """
    @classmethod
    def from_json(cls, json: str) -> Tally:
        """Rebuilds a tally from `to_json()`."""
    def to_json(self) -> str:
        """The tally as JSON (nps-core's serde form), as used for pickling."""
    @property
    def n(self) -> int:
        """Number of responses (raw count, also for weighted tallies)."""
    @property
    def detractors(self) -> int:
        """Number of detractors (raw count)."""
    @property
    def passives(self) -> int:
        """Number of passives (raw count)."""
    @property
    def promoters(self) -> int:
        """Number of promoters (raw count)."""
    @property
    def category_weights(self) -> tuple[float, float, float] | None:
        """Sums of weights of detractors, passives and promoters (weighted tallies), else None."""
    @property
    def counts(self) -> tuple[int, ...] | None:
        """The 11 counts of the scores 0..=10, or None for a tally of category counts."""
    @property
    def skipped(self) -> int:
        """Invalid rows dropped under `invalid="skip"`."""
    @property
    def weighted(self) -> bool:
        """True for a weighted tally."""
    @property
    def effective_n(self) -> float:
        """Kish's effective sample size (= n for an unweighted tally)."""
    @property
    def nps(self) -> float:
        """Net Promoter Score in points (-100..100); NoDataError when empty."""
    @property
    def variance(self) -> float:
        """Per-respondent variance of the NPS in points²; NoDataError when empty."""
    @property
    def se(self) -> float:
        """Standard error of the NPS in points; NoDataError when empty."""
    @property
    def mean(self) -> float:
        """Mean score 0..10; NoDataError when empty or without per-score counts."""
    @property
    def shares(self) -> tuple[float, float, float]:
        """Shares (detractors, passives, promoters), fractions summing to 1; NoDataError when empty."""
    def interval(
        self,
        method: _Method | None = None,
        confidence: float | None = None,
        *,
        pseudo: _Triple | None = None,
        clip: bool | None = None,
        prior: _Triple | None = None,
        credible: _Credible | None = None,
    ) -> Interval:
        """A confidence (or credible) interval of the NPS in points.

        `method`: "score" (Tango, default), "wald", "adjusted_wald" (options
        `pseudo`, `clip`) or "bayes" (options `prior`, `credible` =
        "equal_tailed" | "hpd"). Options not given take nps-core's
        `IntervalOptions::default()`; an option of another method must keep
        its default.
        """
    def margin_of_error(self, confidence: float | None = None) -> float:
        """Half-width of the Wald interval in points (confidence not given:
        nps-core's `DEFAULT_CONFIDENCE`, 0.95).
        """
    def to_dict(self) -> dict[str, Any]:
        """The tally's data as a dict (statistics that need data are None when empty)."""
    def __add__(self, other: Tally, /) -> Tally: ...
    def __radd__(self, other: Tally | int, /) -> Tally: ...  # `sum()` starts from 0
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...

@final
class Interval:
    """A confidence (or credible) interval of the NPS, in points.

    >>> i = nps.Tally(20, 30, 50).interval("wald")
    >>> i.center, i.method  # NPS = 50 - 20
    (30.0, 'wald')
    >>> round(i.half_width, 2)  # 1.96 * sqrt((0.5 + 0.2 - 0.3 ** 2) / 100) * 100
    15.31
    """

    def __new__(cls, low: float, high: float, center: float, method: str, confidence: float) -> Interval: ...
    @property
    def low(self) -> float:
        """Lower bound."""
    @property
    def high(self) -> float:
        """Upper bound."""
    @property
    def center(self) -> float:
        """Centre: the NPS (Wald, score), the adjusted centre (adjusted Wald) or the posterior mean (Bayes)."""
    @property
    def method(self) -> str:
        """The method's name."""
    @property
    def confidence(self) -> float:
        """The confidence level."""
    @property
    def half_width(self) -> float:
        """Half the width (the margin of error of a symmetric interval)."""
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[float, float, float, str, float]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class TestResult:
    """Result of a one-sample test or a two-sample comparison, in points.

    >>> r = nps.test_benchmark(nps.Tally(20, 30, 50), benchmark=20.0, method="wald")
    >>> round(r.difference, 6), round(r.se, 4)  # 30 - 20; sqrt(0.61 / 100) * 100
    (10.0, 7.8102)
    >>> r.p_value > 0.05
    True
    """

    def __new__(
        cls,
        difference: float,
        se: float,
        statistic: float,
        p_value: float,
        ln_p_value: float,
        interval: Interval,
        alternative: str,
        method: str,
    ) -> TestResult: ...
    @property
    def difference(self) -> float:
        """Estimate minus benchmark, or a - b (signed)."""
    @property
    def se(self) -> float:
        """Standard error of the difference."""
    @property
    def statistic(self) -> float:
        """z statistic."""
    @property
    def p_value(self) -> float:
        """p-value under `alternative`."""
    @property
    def ln_p_value(self) -> float:
        """Natural log of the p-value (finite where `p_value` underflows to 0)."""
    @property
    def interval(self) -> Interval:
        """Two-sided confidence interval of the difference."""
    @property
    def alternative(self) -> str:
        """"two_sided", "greater" or "less"."""
    @property
    def method(self) -> str:
        """"wald" or "adjusted_wald"."""
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class AdjustedComparison:
    """One comparison of `nps.compare_many`: the comparison a - b and its
    p-value adjusted for the family.

    >>> base = nps.Tally(30, 20, 50)
    >>> r = nps.compare_many([(nps.Tally(10, 20, 70), base), (nps.Tally(28, 20, 52), base)])
    >>> r[0].significant, r[0].p_adjusted == 2 * r[0].result.p_value
    (True, True)
    """

    def __new__(
        cls, result: TestResult, p_adjusted: float, ln_p_adjusted: float, significant: bool
    ) -> AdjustedComparison: ...
    @property
    def result(self) -> TestResult:
        """The comparison a - b with its raw p-value (as `nps.compare`)."""
    @property
    def p_adjusted(self) -> float:
        """The adjusted p-value (>= the raw one, <= 1)."""
    @property
    def ln_p_adjusted(self) -> float:
        """Natural log of the adjusted p-value (finite where `p_adjusted` underflows to 0)."""
    @property
    def significant(self) -> bool:
        """`p_adjusted <= 1 - confidence`."""
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Scale:
    """Category breaks of a rating scale, validated (no gaps, no overlaps).

    >>> s = nps.Scale((1, 2), (3, 3), (4, 5))  # 1-5 stars
    >>> s.classify(4)
    'promoter'
    >>> s.tally([5, 4, 1, 3]).nps  # 2 promoters, 1 detractor of 4
    25.0
    """

    STANDARD: ClassVar[Scale]
    def __new__(
        cls, detractors: tuple[int, int], passives: tuple[int, int] | None, promoters: tuple[int, int]
    ) -> Scale: ...
    @property
    def detractors(self) -> tuple[int, int]:
        """The detractor range `(low, high)`."""
    @property
    def passives(self) -> tuple[int, int] | None:
        """The passive range, or None."""
    @property
    def promoters(self) -> tuple[int, int]:
        """The promoter range."""
    @property
    def min(self) -> int:
        """Lowest valid score."""
    @property
    def max(self) -> int:
        """Highest valid score."""
    def classify(self, score: float) -> Literal["detractor", "passive", "promoter"]:
        """"detractor", "passive" or "promoter"; InvalidScoreError outside the scale."""
    def tally(self, column: _Column) -> Tally:
        """Category counts of a column on this scale (a Tally of category counts);
        the first invalid value raises InvalidScoreError with its row.
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]: ...

@final
class Group:
    """One group of a `GroupResult`.

    >>> g = nps.group_by(["a", "b", "a"], [10, 0, 9])[0]
    >>> g.key, g.tally.n, g.thin  # thin: fewer than min_n = 30 responses
    ('a', 2, True)
    """

    @property
    def key(self) -> int | str | tuple[Any, ...] | None:
        """The key (int or str; a tuple for several key columns; None when
        grouping without keys or for a missing key kept with dropna=False).
        """
    @property
    def period(self) -> str | None:
        """Period label ("2025-03", "2025-W09", "2025-Q1", "2025-03-14") or None."""
    @property
    def period_start(self) -> datetime.date | None:
        """Local first day of the period (of the window's last period when rolling), or None."""
    @property
    def tally(self) -> Tally:
        """The group's responses."""
    @property
    def thin(self) -> bool:
        """True when n < min_n."""
    @property
    def complete(self) -> bool:
        """False for a rolling window that starts before the data's first
        period (fewer than `window` periods observed); True otherwise.
        """
    def __reduce__(self) -> tuple[Any, ...]: ...
    @staticmethod
    def _from_state(state: bytes) -> Group:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def __eq__(self, other: object, /) -> bool: ...

@final
class GroupResult:
    """The result of `group_by`: groups sorted by key, then period.

    >>> r = nps.group_by([1, 2, 1], [10, 0, 9])
    >>> len(r), r.to_dict()["nps"]
    (2, [100.0, -100.0])
    """

    def __len__(self) -> int: ...
    def __getitem__(self, index: int, /) -> Group: ...
    def __iter__(self) -> Iterator[Group]: ...
    def __reduce__(self) -> tuple[Any, ...]: ...
    @staticmethod
    def _from_state(state: bytes) -> GroupResult:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def merge(self, other: GroupResult) -> GroupResult:
        """The result of this result's rows followed by `other`'s, exactly as
        `group_by` gives it on the concatenated input (nps-core
        `Grouped::merge`): equal groups add up, thin flags are set again.
        Partial results of any split merge in any order of pairs (Dask
        partitions, files of a month). With `respondent=`, both must be
        grouped with `mergeable=True`; a respondent who answered in both
        keeps the later answer (`other`'s on a tie). Also `self + other`,
        and `sum(parts)`.
        Interval options are this result's; key columns named differently in
        the two results are an `InvalidArgumentError` (argument `other`).

        Raises `InvalidArgumentError` (argument `other`) for results grouped
        with another period, time zone, `min_n` or `dedupe`, or rolling.

        >>> a = nps.group_by(["x", "y"], [10, 0])
        >>> b = nps.group_by(["x"], [9])
        >>> [(g.key, g.tally.n) for g in a + b]
        [('x', 2), ('y', 1)]
        """
    def __add__(self, other: GroupResult, /) -> GroupResult: ...
    def __radd__(self, other: int, /) -> GroupResult:
        """"""
    def rolling(self, window: int) -> GroupResult:
        """Rolling windows over the period groups: for each key and period, the
        merged tally of the last `window` periods (empty periods included);
        each group says whether its window is `complete` (no period before
        the data's first). Same as `group_by(..., window=window)`.

        >>> import datetime as dt
        >>> at = [dt.datetime(2025, m, 2, tzinfo=dt.timezone.utc) for m in (1, 2, 3)]
        >>> g = nps.group_by(None, [10, 0, 10], timestamps=at, period="month")
        >>> [(x.period, x.tally.n, x.complete) for x in g.rolling(2)]
        [('2025-01', 1, False), ('2025-02', 2, True), ('2025-03', 2, True)]
        """
    @property
    def dedupe(self) -> Literal["global", "per_key"] | None:
        """The respondent rule ("global" or "per_key") when grouped with
        `respondent=`, else None.
        """
    @property
    def mergeable(self) -> bool:
        """True when the result merges exactly with results of other rows:
        always without `respondent=`, else when grouped with
        `mergeable=True`; never for rolling results.
        """
    @property
    def tz(self) -> str | None:
        """The IANA time zone of the periods, or None without a period."""
    @property
    def skipped(self) -> int:
        """Invalid scores skipped (invalid="skip")."""
    @property
    def skipped_keys(self) -> int:
        """Rows skipped for a missing key (None / NaN / pd.NA / null;
        invalid="skip"). A row missing several values counts once, under the
        first of keys, timestamps, respondents, scores.
        """
    @property
    def skipped_timestamps(self) -> int:
        """Rows skipped for a missing timestamp (NaT / NaN / None / null;
        invalid="skip").
        """
    @property
    def skipped_respondents(self) -> int:
        """Rows skipped for a missing respondent id (invalid="skip")."""
    @property
    def dropped_repeats(self) -> int:
        """Rows dropped because the respondent answered again later."""
    @property
    def period(self) -> _PeriodName | None:
        """The period grouped by ("day", "week", "month", "quarter", "year") or None."""
    @property
    def min_n(self) -> int:
        """The thin-sample threshold."""
    @property
    def window(self) -> int:
        """Rolling window length in periods (1 without rolling)."""
    @property
    def tallies(self) -> dict[Any, Tally]:
        """Tallies by group: keyed by key, by period label, or by `(key, period)`
        when grouping by both (by None when grouping by neither).
        """
    def total(self) -> Tally:
        """All groups merged into one tally."""
    def to_dict(
        self, interval: _Method | None = None, confidence: float | None = None, **options: Any
    ) -> dict[str, list[Any]]:
        """The table as a dict of equal-length lists: the key columns (named
        after the columns grouped by when known, else ``key`` or ``key_0``,
        ``key_1``, ...), ``period`` (the local first day, a ``datetime.date``),
        ``n``, ``detractors``, ``passives``, ``promoters``, ``nps``, ``se``,
        ``low``, ``high`` and ``thin``. ``low`` / ``high`` are the interval
        ``interval`` at ``confidence`` (with ``pseudo``, ``clip``, ``prior``,
        ``credible`` as in ``Tally.interval``); options not given take
        nps-core's defaults (the score interval at 95 %). Statistics of a group
        without data are None.

        >>> nps.group_by(["a", "b", "a"], [10, 0, 9]).to_dict()["nps"]
        [100.0, -100.0]
        """
    def to_pandas(
        self, interval: _Method | None = None, confidence: float | None = None, **options: Any
    ) -> Any:
        """The table (see `to_dict`) as a pandas DataFrame; statistics of a group
        without data are <NA> (nullable Float64), never NaN. A categorical key
        (pandas ``Categorical``, polars ``Enum``, Arrow dictionary) stays a
        ``Categorical`` with the input's categories, in their order.

        >>> df = nps.group_by([1, 2, 1], [10, 0, 9]).to_pandas(interval="wald", confidence=0.9)
        >>> list(df.columns[:3]), df["nps"].tolist()
        (['key', 'n', 'detractors'], [100.0, -100.0])
        """
    def to_polars(
        self, interval: _Method | None = None, confidence: float | None = None, **options: Any
    ) -> Any:
        """The table (see `to_dict`) as a polars DataFrame, read from the Arrow
        stream (no pyarrow needed); statistics of a group without data are
        null; a categorical key is an ``Enum`` of its categories.

        >>> nps.group_by([1, 2, 1], [10, 0, 9]).to_polars()["n"].to_list()
        [2, 1]
        """
    def to_arrow(
        self, interval: _Method | None = None, confidence: float | None = None, **options: Any
    ) -> Any:
        """The table (see `to_dict`) as a ``pyarrow.Table`` read from the native
        Arrow stream: typed nullable columns, ``period`` as date32, a
        categorical key as a dictionary.

        >>> nps.group_by([[1, 1, 2], ["x", "y", "x"]], [10, 0, 9]).to_arrow().column_names[:3]
        ['key_0', 'key_1', 'n']
        """
    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The Arrow C stream of the table."""
    def __arrow_c_schema__(self) -> Any:
        """The Arrow schema of the table."""
    def _repr_html_(self) -> str:
        """The table as compact HTML for a notebook (first and last rows when
        long, column types, text escaped).

        >>> "<th>nps</th>" in nps.group_by(["a"], [10])._repr_html_()
        True
        """

@final
class PlanMonth:
    """One month of a goal plan: `month` (since the plan start, 0 = the start),
    `planned`, `actual` (None without responses), `low`, `high` (its
    interval), `n` and `status` ("ahead", "on_track", "behind" beyond noise
    only, or "no_data").

    >>> h = [nps.Tally(50, 30, 120), nps.Tally(20, 20, 160)]
    >>> m = nps.track_goal(h, target=65, months=12, plan_start=0).plan.months[1]
    >>> m.month, round(m.planned, 2), m.actual, m.status  # 35 -> 70 is beyond noise
    (1, 37.5, 70.0, 'ahead')
    """

    @property
    def month(self) -> int:
        """Months since the plan start (0 = the plan-start month)."""
    @property
    def planned(self) -> float:
        """The planned NPS on the straight path to the target."""
    @property
    def actual(self) -> float | None:
        """The month's NPS, or None without responses."""
    @property
    def low(self) -> float | None:
        """Lower bound of the actual's interval (score interval)."""
    @property
    def high(self) -> float | None:
        """Upper bound of the actual's interval."""
    @property
    def n(self) -> int:
        """Responses that month."""
    @property
    def status(self) -> Literal["ahead", "on_track", "behind", "no_data"]:
        """"ahead", "on_track", "behind" or "no_data"."""

@final
class Projection:
    """When the target is reached at the observed trend: `status` ("reached",
    "projected", "not_reachable" — the trend does not rise, or would take
    more than 1200 months — or "no_trend"), `month` (since the plan start;
    None unless reached or projected), and its interval `low`, `high`
    (`high` None = unbounded: at the observed noise the target may never be
    reached).

    >>> h = [nps.Tally(40, 30, 130), nps.Tally(50, 30, 120)]  # 45, then 35
    >>> nps.track_goal(h, target=65, months=12, plan_start=0).plan.projected
    Projection(status="not_reachable", month=None, low=None, high=None)
    """

    @property
    def status(self) -> Literal["reached", "projected", "not_reachable", "no_trend"]:
        """"reached", "projected", "not_reachable" or "no_trend"."""
    @property
    def month(self) -> int | None:
        """The month (since the plan start) the target is reached, or None."""
    @property
    def low(self) -> int | None:
        """Lower bound of the projected month, or None."""
    @property
    def high(self) -> int | None:
        """Upper bound of the projected month, or None (unbounded, or not projected)."""

@final
class GoalPlan:
    """A goal plan against the actuals (`GoalReport.plan`): `months` (one
    `PlanMonth` per month since the plan start), `projected` (a
    `Projection`), `trend`, `start`, `start_value`, `due`; `to_pandas()`,
    `to_polars()`, `to_arrow()` give the months as a table.

    >>> h = [nps.Tally(40, 30, 130), nps.Tally(50, 30, 120), nps.Tally(45, 30, 125)]
    >>> p = nps.track_goal(h, target=65, months=12, plan_start=1).plan
    >>> [(m.month, round(m.planned, 2), m.actual, m.status) for m in p.months]
    [(0, 35.0, 35.0, 'on_track'), (1, 37.5, 40.0, 'on_track')]
    >>> p.projected.status, p.projected.month
    ('projected', 6)
    """

    @property
    def start(self) -> int:
        """The plan start (an index of the history)."""
    @property
    def start_value(self) -> float:
        """The NPS of the plan-start month."""
    @property
    def due(self) -> int:
        """The month the target is due, counted from the plan start."""
    @property
    def months(self) -> list[PlanMonth]:
        """Every month from the plan start to the last of the history."""
    @property
    def trend(self) -> float | None:
        """Least-squares slope since the plan start, points per month, or None."""
    @property
    def projected(self) -> Projection:
        """When the target is reached at that trend."""
    def __len__(self) -> int: ...
    def _table(self) -> dict[str, tuple[str, Any, Any]]:
        """The months as columns for `nps/_table.py`."""
    def to_dict(self) -> dict[str, list[Any]]:
        """The plan, one row per month, as a dict of equal-length lists; no data is None."""
    def to_pandas(self) -> Any:
        """The plan, one row per month, as a pandas DataFrame; no data is <NA>, never NaN."""
    def to_polars(self) -> Any:
        """The plan, one row per month, as a polars DataFrame; no data is null."""
    def to_arrow(self) -> Any:
        """The plan, one row per month, as a ``pyarrow.Table`` (typed nullable columns; key columns, ``period`` as a date, values)."""
    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """"""
    def __arrow_c_schema__(self) -> Any:
        """"""
    def _repr_html_(self) -> str:
        """The plan, one row per month, as a compact HTML table (notebook display)."""

@final
class GoalReport:
    """The answer of `track_goal`.

    >>> g = nps.track_goal([nps.Tally(30, 20, 50), nps.Tally(28, 20, 52)], target=65, months=12)
    >>> g.current, g.gap, round(g.monthly_step, 4)  # 52 - 28; 65 - 24; 41 / 12
    (24.0, 41.0, 3.4167)
    """

    @property
    def current(self) -> float:
        """NPS of the last month, in points."""
    @property
    def target(self) -> float:
        """The target NPS."""
    @property
    def gap(self) -> float:
        """target - current."""
    @property
    def months(self) -> int:
        """Months to reach the target."""
    @property
    def monthly_step(self) -> float:
        """gap / months."""
    @property
    def path(self) -> tuple[float, ...]:
        """Planned NPS at the end of each of the next `months` months."""
    @property
    def last_change(self) -> TestResult | None:
        """Last month against the month before, or None with fewer than two months."""
    @property
    def last_change_significant(self) -> bool | None:
        """Whether the last change's confidence interval excludes 0."""
    @property
    def minimum_detectable_change(self) -> float | None:
        """Smallest significant month-on-month change at the last two months' sizes."""
    @property
    def step_detectable(self) -> bool | None:
        """Whether |monthly_step| >= minimum_detectable_change."""
    @property
    def n_per_month_to_detect_step(self) -> int | None:
        """Responses per month needed for a change of |monthly_step| to be significant."""
    @property
    def actuals(self) -> tuple[float | None, ...]:
        """NPS of each month of the history, oldest first (None for a month without responses)."""
    @property
    def trend(self) -> float | None:
        """Trend of the actuals in points per month (least-squares slope over the
        months with responses), or None with fewer than two such months.
        """
    @property
    def projected_months(self) -> int | None:
        """Projected month of reaching the target at `trend`, counted from the
        last month (0: already reached), or None when the trend does not get there.
        """
    @property
    def plan(self) -> GoalPlan | None:
        """The plan against the actuals (a `GoalPlan`) when `plan_start` was
        given, else None.
        """

def test_benchmark(
    tally: Tally,
    benchmark: float = 0.0,
    method: _TestMethod | None = None,
    confidence: float | None = None,
    alternative: _Alternative | None = None,
    *,
    pseudo: _Triple | None = None,
) -> TestResult:
    """One-sample test of the NPS against a benchmark (points).

    Options not given take nps-core's `TestOptions::default()` (adjusted
    Wald, 95 %, two-sided).

    >>> r = nps.test_benchmark(nps.Tally(20, 30, 50), benchmark=20.0, method="wald")
    >>> round(r.difference, 6), r.method, r.alternative
    (10.0, 'wald', 'two_sided')
    """
def compare(
    a: Tally,
    b: Tally,
    method: _TestMethod | None = None,
    confidence: float | None = None,
    alternative: _Alternative | None = None,
    *,
    pseudo: _Triple | None = None,
) -> TestResult:
    """Two-sample comparison of the signed difference a - b.

    >>> r = nps.compare(nps.Tally(10, 20, 70), nps.Tally(30, 20, 50))  # NPS 60 vs 20
    >>> r.method, r.difference > 0, r.p_value < 0.001
    ('adjusted_wald', True, True)
    """
def compare_many(
    pairs: Sequence[tuple[Tally, Tally]],
    adjust: _Adjust | None = ...,
    method: _TestMethod | None = None,
    confidence: float | None = None,
    alternative: _Alternative | None = None,
    *,
    pseudo: _Triple | None = None,
) -> list[AdjustedComparison]:
    """Many two-sample comparisons at once (a - b for each `(a, b)` pair, as
    `nps.compare`), with p-values adjusted for the family of `len(pairs)`
    tests: `adjust="holm"` (step-down, family-wise error rate; the default),
    `"bh"` (Benjamini-Hochberg step-up, false discovery rate) or `None` /
    `"none"` (raw p-values). The other options are those of `nps.compare`;
    `significant` is `p_adjusted <= 1 - confidence`. An empty list gives an
    empty list; an error about one pair (e.g. `NoDataError`) has its
    position in `pair_index`.

    >>> base = nps.Tally(30, 20, 50)  # NPS 20
    >>> stores = [nps.Tally(10, 20, 70), nps.Tally(28, 20, 52), nps.Tally(18, 22, 60)]
    >>> r = nps.compare_many([(s, base) for s in stores])
    >>> [x.significant for x in r]
    [True, False, False]
    >>> [round(x.p_adjusted, 4) for x in r]
    [0.001, 0.7468, 0.1259]
    >>> [round(x.p_adjusted, 4) for x in nps.compare_many([(s, base) for s in stores], adjust="bh")]
    [0.001, 0.7468, 0.0945]
    >>> try:
    ...     nps.compare_many([(base, base), (nps.Tally(0, 0, 0), base)])
    ... except nps.NoDataError as e:
    ...     print(e.pair_index)
    1
    """
@final
class ShareChange:
    """The result of `nps.compare_shares`: first - second, as proportions
    (0..1), with Newcombe's hybrid score interval, the pooled score test
    and the ratio of the shares. Pickles (by its inputs).

    >>> c = nps.compare_shares(38, 100, 15, 100)  # negative posts 38 % vs 15 %
    >>> round(c.difference, 2), round(c.interval.low, 4), round(c.interval.high, 4)
    (0.23, 0.1084, 0.3433)
    >>> c.p_value < 0.001, round(c.ratio, 3)
    (True, 2.533)
    """

    def __new__(
        cls, k1: int, n1: int, k2: int, n2: int, confidence: float, alternative: _Alternative
    ) -> ShareChange: ...
    @property
    def first(self) -> float:
        """k1 / n1."""
    @property
    def second(self) -> float:
        """k2 / n2."""
    @property
    def difference(self) -> float:
        """first - second."""
    @property
    def interval(self) -> Interval:
        """Newcombe's hybrid score interval of the difference (method "newcombe")."""
    @property
    def statistic(self) -> float:
        """The pooled score statistic z (0 when both shares are 0 or both 1)."""
    @property
    def p_value(self) -> float:
        """p-value of the test under `alternative`."""
    @property
    def ln_p_value(self) -> float:
        """Natural log of the p-value (finite where `p_value` underflows to 0)."""
    @property
    def alternative(self) -> str:
        """"two_sided", "greater" (the first is larger) or "less"."""
    @property
    def ratio(self) -> float | None:
        """first / second, or None when the second share is 0."""
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class CountChange:
    """The result of `nps.compare_counts`: the rate ratio first / second of two
    counts over exposures, with the exact conditional interval and test.
    `ratio` and `interval.high` are `inf` when the second count is 0.
    Pickles (by its inputs).

    >>> c = nps.compare_counts(227, 100)  # complaints this year vs last
    >>> round(c.change, 2), round(c.interval.low, 3), round(c.interval.high, 3)
    (1.27, 1.786, 2.902)
    >>> c.p_value < 1e-10
    True
    """

    def __new__(
        cls, c1: int, c2: int, exposure1: float, exposure2: float, confidence: float, alternative: _Alternative
    ) -> CountChange: ...
    @property
    def first_rate(self) -> float:
        """count1 / exposure1."""
    @property
    def second_rate(self) -> float:
        """count2 / exposure2."""
    @property
    def ratio(self) -> float:
        """The rate ratio first_rate / second_rate (inf when count2 is 0)."""
    @property
    def change(self) -> float:
        """ratio - 1: the relative change (1.27 is +127 %)."""
    @property
    def interval(self) -> Interval:
        """The exact conditional interval of the ratio (method "exact_conditional")."""
    @property
    def p_value(self) -> float:
        """Exact conditional p-value of ratio = 1 under `alternative`."""
    @property
    def ln_p_value(self) -> float:
        """Natural log of the p-value (finite where `p_value` underflows to 0)."""
    @property
    def alternative(self) -> str:
        """"two_sided", "greater" (the first rate is larger) or "less"."""
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class AdjustedChange:
    """One comparison of `nps.compare_shares_many` or `nps.compare_counts_many`:
    the comparison (a `ShareChange` or `CountChange`) and its p-value
    adjusted for the family.

    >>> r = nps.compare_counts_many([((227, 1.0), (100, 1.0)), ((60, 1.0), (50, 1.0))])
    >>> [x.significant for x in r], round(r[1].p_adjusted, 4)
    ([True, False], 0.3909)
    """

    def __new__(
        cls,
        result: ShareChange | CountChange,
        p_adjusted: float,
        ln_p_adjusted: float,
        significant: bool,
    ) -> AdjustedChange: ...
    @property
    def result(self) -> ShareChange | CountChange:
        """The comparison with its raw p-value."""
    @property
    def p_adjusted(self) -> float:
        """The adjusted p-value (>= the raw one, <= 1)."""
    @property
    def ln_p_adjusted(self) -> float:
        """Natural log of the adjusted p-value."""
    @property
    def significant(self) -> bool:
        """`p_adjusted <= 1 - confidence`."""
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

def compare_shares(
    k1: int,
    n1: int,
    k2: int,
    n2: int,
    confidence: float | None = None,
    alternative: _Alternative | None = None,
) -> ShareChange:
    """first - second for two shares, k1 of n1 against k2 of n2 (e.g. the
    negative share of posts, 38 of 100 this year against 15 of 100 last
    year). Shares are proportions (0..1). The interval is Newcombe's hybrid
    score interval (two-sided at `confidence`, default 0.95); the test is
    the pooled score test under `alternative` ("two_sided" by default,
    "greater" = the first share is larger, "less"). n = 0 is `NoDataError`;
    k > n is `InvalidArgumentError` naming `first` or `second`.

    >>> c = nps.compare_shares(56, 70, 48, 80)  # Newcombe (1998), example (a)
    >>> round(c.interval.low, 4), round(c.interval.high, 4)
    (0.0524, 0.3339)
    >>> nps.compare_shares(0, 10, 0, 20).ratio is None
    True
    """
def compare_counts(
    c1: int,
    c2: int,
    *,
    exposure1: float = 1.0,
    exposure2: float = 1.0,
    confidence: float | None = None,
    alternative: _Alternative | None = None,
) -> CountChange:
    """The rate ratio first / second of two counts over exposures (e.g.
    complaints this year, 227, against last year, 100: +127 %), with the
    exact conditional (Clopper-Pearson) interval and test: given the total,
    the first count is binomial. `exposure1` / `exposure2` (default 1.0)
    are the volumes the counts were observed over (visits, months). Both
    counts 0 is `NoDataError`; an exposure that is not finite and > 0 is
    `InvalidArgumentError`.

    >>> c = nps.compare_counts(30, 20, exposure1=1200, exposure2=1500)
    >>> round(c.ratio, 3), round(c.interval.low, 4), round(c.p_value, 4)
    (1.875, 1.0302, 0.0389)
    """
def compare_shares_many(
    pairs: Sequence[tuple[tuple[int, int], tuple[int, int]]],
    adjust: _Adjust | None = ...,
    confidence: float | None = None,
    alternative: _Alternative | None = None,
) -> list[AdjustedChange]:
    """Many share comparisons at once, `pairs` of `((k1, n1), (k2, n2))`, with
    the p-values adjusted for the family as in `nps.compare_many`
    (`adjust="holm"` by default, `"bh"`, or `None`). An error about one
    pair has its position in `pair_index`.

    >>> r = nps.compare_shares_many([((38, 100), (15, 100)), ((16, 100), (15, 100))])
    >>> [x.significant for x in r], r[0].p_adjusted == 2 * r[0].result.p_value
    ([True, False], True)
    """
def compare_counts_many(
    pairs: Sequence[tuple[tuple[int, float], tuple[int, float]]],
    adjust: _Adjust | None = ...,
    confidence: float | None = None,
    alternative: _Alternative | None = None,
) -> list[AdjustedChange]:
    """Many count comparisons at once, `pairs` of `((c1, exposure1), (c2,
    exposure2))`, with the p-values adjusted for the family as in
    `nps.compare_many`. An error about one pair has its position in
    `pair_index`.

    >>> try:
    ...     nps.compare_counts_many([((1, 1.0), (2, 1.0)), ((0, 1.0), (0, 1.0))])
    ... except nps.NoDataError as e:
    ...     print(e.pair_index)
    1
    """
def sample_size(
    margin: float,
    promoters: float,
    detractors: float,
    confidence: float | None = None,
    population: int | None = None,
) -> int:
    """Sample size for a margin of error (points) at planned promoter and
    detractor shares, with an optional finite population.

    >>> nps.sample_size(5.0, 0.5, 0.2)  # 1.96² * (0.5 + 0.2 - 0.3²) / 0.05², rounded up
    938
    """
def classify(score: float) -> Literal["detractor", "passive", "promoter"]:
    """The category of a score on the standard 0-10 scale: "promoter", "passive"
    or "detractor"; InvalidScoreError for anything else.

    >>> nps.classify(9), nps.classify(7), nps.classify(6)
    ('promoter', 'passive', 'detractor')
    """
def group_by(
    keys: _Column | Sequence[_Column] | Any | None = None,
    scores: _Column | None = None,
    *,
    by: str | Sequence[str] | None = None,
    score: str | None = None,
    time: str | None = None,
    respondent: str | None = None,
    timestamps: _Column | None = None,
    period: _PeriodName | None = None,
    tz: str | None = None,
    respondents: _Column | None = None,
    dedupe: Literal["global", "per_key"] | None = None,
    dropna: bool | None = None,
    mergeable: bool | None = None,
    min_n: int | None = None,
    invalid: _InvalidPolicy | None = None,
    window: int | None = None,
    interval: _Method | None = None,
    confidence: float | None = None,
) -> GroupResult:
    """Groups a score column into tallies in one pass, by key and/or calendar
    period, optionally keeping each respondent's latest answer only.

    The DataFrame form comes first: `df` a pandas or polars DataFrame, a
    pyarrow Table or anything exporting `__arrow_c_stream__`, with `by=` (a
    column name or a list of names; one group per combination, the key a
    tuple), `score=`, and optionally `time=` (a datetime column, aware or
    naive in `tz`, or integer Unix seconds) and `respondent=` naming its
    columns. The array form takes `keys` (a column, a list of columns, or
    None) and `scores`, with `timestamps=` and `respondents=`.

    - `period`: "day", "week", "month", "quarter" or "year" in time zone `tz`
      (IANA name, default UTC); `window`: rolling windows of that many
      periods (each group says whether its window is `complete`).
    - `dedupe`: with a respondent column, "global" (default: a respondent's
      latest answer overall) or "per_key" (their latest answer within each
      group). It needs the time column: without one, "latest" is undefined
      and an `InvalidArgumentError` says so.
    - `dropna`: True (default) drops rows with a missing key (None, NaN,
      pd.NA, null) and counts them in `skipped_keys`; False keeps them as a
      group of their own (key None, sorted last).
    - `mergeable`: keep each respondent's latest answer in the result so it
      merges exactly with results of other rows (`merge`, `+`, `nps.dask`).
    - `min_n`: groups with fewer answers are flagged `thin` (default 30);
      `interval` and `confidence`: the interval of the table's `low` /
      `high` (default: the score interval at 95 %).
    - A key column has one type: mixing strings and integers is an
      `InvalidArgumentError` naming the first row. A missing timestamp or
      respondent is an `InvalidValueError` naming the column and row; with
      `invalid="skip"` the row is skipped and counted in
      `skipped_timestamps` or `skipped_respondents` (invalid scores in
      `skipped`).

    Options not given take nps-core's `GroupOptions::default()` and
    `IntervalOptions::default()`.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"dealer": ["a", "b", "a", None], "score": [10, 0, 9, 7]})
    >>> g = nps.group_by(df, by="dealer", score="score")
    >>> [(x.key, x.tally.nps) for x in g], g.skipped_keys
    ([('a', 100.0), ('b', -100.0)], 1)
    >>> [x.key for x in nps.group_by(df, by="dealer", score="score", dropna=False)]
    ['a', 'b', None]
    >>> [g.key for g in nps.group_by([[1, 1, 2], ["x", "y", "x"]], [10, 0, 9])]
    [(1, 'x'), (1, 'y'), (2, 'x')]
    """
def track_goal(
    history: Iterable[Tally],
    *,
    target: float,
    months: int,
    confidence: float | None = None,
    plan_start: int | None = None,
) -> GoalReport:
    """Tracks a goal over a monthly history of tallies (oldest first): the gap,
    the monthly path needed, and whether the last change is distinguishable
    from noise at the observed sample sizes. `months` is 1..=1200;
    `confidence` not given is nps-core's `GoalOptions::default()` (0.95).
    `plan_start` (an index of the history: the month the plan started; not
    given = no plan, nps-core's default) adds `GoalReport.plan`: month by
    month the planned value on the straight path from that month's NPS to
    `target` at `months`, the actual with its interval, ahead / on track /
    behind beyond noise, and the projected month of reaching the target.

    >>> g = nps.track_goal([nps.Tally(30, 20, 50), nps.Tally(28, 20, 52)], target=65, months=12)
    >>> g.target, g.months, g.gap, g.plan
    (65.0, 12, 41.0, None)
    """
def set_max_threads(n: int) -> None:
    """Caps the number of threads batch functions use (0 = one per core).
    Results never depend on it, only speed does. The worker threads are
    started by the first call split across threads; after each part they
    run they wait awake for up to 200 µs, then sleep (a forked process
    starts its own).

    >>> nps.set_max_threads(1)
    >>> nps.max_threads()
    1
    >>> nps.set_max_threads(0)  # back to one per core
    """
def max_threads() -> int:
    """The number of threads batch functions use.

    >>> nps.max_threads() >= 1
    True
    """

# ---------------------------------------------------------------------------
# Recovery policy engine

_Alert: TypeAlias = Literal["red", "yellow", "orange"]
_Tier: TypeAlias = Literal["S", "A", "B"]
_Layer: TypeAlias = Literal["problem_repair", "loss_compensation", "emotional_repair"]
# An instant: a timezone-aware datetime, or Unix seconds.
_Instant: TypeAlias = datetime.datetime | int
_Pauses: TypeAlias = Iterable[tuple[_Instant, _Instant]]
# A time of day: "HH:MM", "HH:MM:SS" ("24:00" ends a day) or a datetime.time.
_TimeOfDay: TypeAlias = str | datetime.time
_Ranges: TypeAlias = Iterable[tuple[_TimeOfDay, _TimeOfDay]]
_Date: TypeAlias = datetime.date | str
_Hours: TypeAlias = float | datetime.timedelta

@final
class Money:
    """An amount of money: integer minor units (fen, cents) of an ISO 4217
    currency. Never a float.

    >>> m = nps.Money(12345, "CNY")
    >>> m.minor, str(m)
    (12345, '123.45 CNY')
    """

    def __new__(cls, minor: int, currency: str) -> Money: ...
    @property
    def minor(self) -> int:
        """Amount in minor units."""
    @property
    def currency(self) -> str:
        """ISO 4217 code."""
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, tuple[int, str]]: ...

@final
class Item:
    """One item of a compensation package: a value and its layer
    (`"problem_repair"`, `"loss_compensation"` or `"emotional_repair"`).

    >>> i = nps.Item(180000, "CNY", "loss_compensation")
    >>> i.value_minor, i.currency, i.layer
    (180000, 'CNY', 'loss_compensation')
    """

    def __new__(cls, value_minor: int, currency: str, layer: str) -> Item: ...
    @property
    def value_minor(self) -> int:
        """Value in minor units."""
    @property
    def currency(self) -> str:
        """ISO 4217 code."""
    @property
    def layer(self) -> _Layer:
        """The layer's name."""
    @property
    def value(self) -> Money:
        """The value as Money."""
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, tuple[int, str, str]]: ...

@final
class Calendar:
    """A business calendar: an IANA time zone, opening ranges per weekday
    (several per day, e.g. around lunch), holidays (whole or part days),
    working-day overrides (e.g. Chinese make-up working days) and weekly
    schedules taking effect on dates.

    >>> import datetime as dt
    >>> cal = nps.Calendar("UTC", {d: [("09:00", "17:00")] for d in ("mon", "tue", "wed", "thu", "fri")})
    >>> cal.is_working_day(dt.date(2025, 6, 14))  # a Saturday
    False
    >>> cal.is_open(dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc))  # Friday 10:00
    True
    """

    def __new__(
        cls,
        tz: str,
        weekly: Mapping[str, _Ranges],
        *,
        holidays: Iterable[_Date | tuple[_Date, _Ranges | None]] | None = (),
        working_days: Mapping[_Date, _Ranges] | None = None,
        schedules: Iterable[tuple[_Date, Mapping[str, _Ranges]]] | None = (),
    ) -> Calendar: ...
    @classmethod
    def from_json(cls, text: str) -> Calendar:
        """A calendar from JSON (the same form as a policy's `calendar` field)."""
    def to_json(self) -> str:
        """The calendar as JSON."""
    @property
    def tz(self) -> str:
        """The IANA time-zone name."""
    @property
    def weekly(self) -> dict[str, list[tuple[str, str]]]:
        """Opening ranges per weekday, `{"mon": [("09:00", "12:00"), ...], ...}`."""
    @property
    def holidays(self) -> list[datetime.date | tuple[datetime.date, list[tuple[str, str]] | None]]:
        """Holidays: dates (closed all day) and `(date, closed ranges)` pairs."""
    @property
    def working_days(self) -> dict[datetime.date, list[tuple[str, str]]]:
        """Working-day overrides: date -> opening ranges."""
    @property
    def schedules(self) -> list[tuple[datetime.date, dict[str, list[tuple[str, str]]]]]:
        """Weekly schedules taking effect on a date: `(date, weekly)` pairs."""
    def deadline(
        self,
        start: _Instant,
        hours: _Hours | None = None,
        business_hours: _Hours | None = None,
        business_days: int | None = None,
        pauses: _Pauses | None = (),
    ) -> datetime.datetime:
        """The deadline after `start` (an aware datetime or Unix seconds) as an
        aware datetime in the calendar's zone. Give exactly one duration:
        `hours` (wall-clock, pauses left out), `business_hours` (counted in
        opening hours only) — each a number of hours (a float must come to
        whole seconds) or a `timedelta` — or `business_days` (due at the close
        of the n-th working day). `pauses` are `(start, end)` instants.
        """
    def elapsed(self, start: _Instant, end: _Instant, pauses: _Pauses | None = ()) -> datetime.timedelta:
        """Business time in `[start, end)` outside `pauses`, as a timedelta."""
    def is_open(self, t: _Instant) -> bool:
        """Whether the calendar is open at instant `t`."""
    def is_working_day(self, date: datetime.date) -> bool:
        """Whether a local date has opening hours (overrides and holidays applied)."""
    def opening_hours(self, date: datetime.date) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """Opening intervals of a local date as `(open, close)` aware datetimes
        in the calendar's zone.
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[bytes]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Triage:
    """The triage of one response: alert, tier, owner, deadlines, cap.

    >>> p = nps.Policy.default()
    >>> t = p.triage(2, 1749819600)  # a 2, submitted at 2025-06-13 13:00 UTC
    >>> t.alert, t.tier, t.owner
    ('red', 'S', 'service_manager')
    >>> t.acknowledge_by.isoformat()  # two hours later
    '2025-06-13T15:00:00+00:00'
    """

    @property
    def score(self) -> int:
        """The score triaged."""
    @property
    def submitted_at(self) -> datetime.datetime:
        """When the response was submitted."""
    @property
    def high_value(self) -> bool:
        """The high-value flag of the response."""
    @property
    def public_opinion_risk(self) -> bool:
        """The public-opinion-risk flag of the response."""
    @property
    def category(self) -> Literal["detractor", "passive", "promoter"]:
        """"detractor", "passive" or "promoter"."""
    @property
    def alert(self) -> _Alert | None:
        """"red", "yellow", "orange" or None."""
    @property
    def tier(self) -> _Tier | None:
        """"S", "A", "B" or None (passives and promoters)."""
    @property
    def owner(self) -> str | None:
        """The role owning the case, or None."""
    @property
    def notify(self) -> list[str]:
        """Roles notified by the alert."""
    @property
    def acknowledge_by(self) -> datetime.datetime | None:
        """Acknowledge-by deadline of the alert (for orange: the follow-up), or None."""
    @property
    def contact_by(self) -> datetime.datetime | None:
        """Contact-by deadline of the tier, or None."""
    @property
    def compensation_cap(self) -> Money | None:
        """The tier's compensation cap, or None."""
    @property
    def escalate_immediately(self) -> bool:
        """Whether to escalate at once (public-opinion risk)."""
    @property
    def escalate_to(self) -> str | None:
        """Role escalated to (at once, or when the alert is not acknowledged in time)."""
    @property
    def mark(self) -> str | None:
        """Case marking ("urgent", "important") or None."""
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[bytes, datetime.tzinfo]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class TriageTable:
    """Triage of many responses (`Policy.triage_many`): a table with
    `to_dict()`, `to_pandas()` and `to_polars()`; `table[i]` is a `Triage`.

    >>> tt = nps.Policy.default().triage_many([2, 9, 7], [1749819600] * 3)
    >>> len(tt), [t.alert for t in tt]
    (3, ['red', None, 'orange'])
    """

    def __len__(self) -> int: ...
    def __getitem__(self, index: int, /) -> Triage: ...
    def __iter__(self) -> Iterator[Triage]: ...
    def to_dict(self) -> dict[str, list[Any]]:
        """The table as a dict of equal-length lists: score, alert, tier, owner,
        acknowledge_by, contact_by (aware UTC datetimes), compensation_cap_minor,
        currency, escalate_immediately; None where a row has no value.
        """
    def _arrays(self) -> dict[str, Any]:
        """The columns as numpy arrays (no Python object per row), for the
        DataFrames `nps._policy` builds: strings as `(codes, categories)`,
        deadlines as int64 Unix seconds (int64 minimum = none), the cap as
        `(values, missing)`.
        """
    def to_pandas(self) -> Any:
        """The table (columns of `to_dict`) as a pandas DataFrame: categorical
        strings, `datetime64[s, UTC]` deadlines (NaT when none), a nullable
        Int64 cap. pandas is imported only now.
        """
    def to_polars(self) -> Any:
        """The table (columns of `to_dict`) as a polars DataFrame: Enum strings,
        `Datetime(time_zone="UTC")` deadlines, nulls where a row has no value.
        """
    def to_arrow(self) -> Any:
        """The table (columns of `to_dict`) as a ``pyarrow.Table``: dictionary
        strings, ``timestamp[s, tz=UTC]`` deadlines, nulls where a row has no
        value. pyarrow is imported only now.
        """
    @property
    def _score_name(self) -> str:
        """The name of the score column (`score`, or the DataFrame's column
        triaged).
        """
    def __reduce__(self) -> tuple[Any, tuple[bytes, datetime.tzinfo]]: ...

@final
class CapCheck:
    """One cap checked for a package: scope ("tier", "case", "customer",
    "vehicle"), the cap, the total including the package, and whether the
    total stays within it.

    >>> a = nps.Policy.default().required_approver([(180000, "CNY", "loss_compensation")], tier="S")
    >>> c = a.caps[0]
    >>> c.scope, c.cap_minor, c.total_minor, c.within
    ('tier', 500000, 180000, True)
    """

    @property
    def scope(self) -> Literal["tier", "case", "customer", "vehicle"]:
        """"tier", "case", "customer" or "vehicle"."""
    @property
    def cap_minor(self) -> int:
        """The cap in minor units."""
    @property
    def total_minor(self) -> int:
        """The total including this package, in minor units."""
    @property
    def currency(self) -> str:
        """ISO 4217 code of the cap and total."""
    @property
    def within(self) -> bool:
        """Whether the total stays within the cap."""
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[bytes]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Approval:
    """Who must approve a compensation package.

    >>> a = nps.Policy.default().required_approver(
    ...     [nps.Item(180000, "CNY", "loss_compensation")], tier="S")
    >>> a.approver, a.path
    ('service_manager', ['service_advisor', 'service_manager'])
    """

    @property
    def approver(self) -> str | None:
        """The lowest sufficient role, or None: denied (no rule matches)."""
    @property
    def path(self) -> list[str]:
        """Escalation path from the lowest role up to the approver (the whole
        ladder when denied).
        """
    @property
    def within_cap(self) -> bool:
        """Whether the case total stays within the tier's cap."""
    @property
    def total_minor(self) -> int:
        """Package total in minor units of the policy currency."""
    @property
    def currency(self) -> str:
        """The policy currency."""
    @property
    def total(self) -> Money:
        """Package total as Money."""
    @property
    def by_layer(self) -> dict[_Layer, int]:
        """Totals per layer in minor units: problem_repair, loss_compensation,
        emotional_repair.
        """
    @property
    def caps(self) -> list[CapCheck]:
        """Every cap checked."""
    @property
    def reason(self) -> str:
        """Why this approver (or the denial), in words."""
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[bytes]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class DeadlineStatus:
    """One deadline of a case at an instant.

    >>> p = nps.Policy.default()
    >>> t = p.triage(2, 1749819600)  # a 2, submitted at 2025-06-13 13:00 UTC
    >>> s = p.case_status(t, 1749819600 + 6 * 3600, acknowledged_at=1749819600 + 600)
    >>> d = s.deadlines[0]
    >>> d.name, d.due.isoformat(), d.met_at.isoformat()
    ('acknowledge', '2025-06-13T15:00:00+00:00', '2025-06-13T13:10:00+00:00')
    """

    @property
    def name(self) -> Literal["acknowledge", "contact"]:
        """"acknowledge" (the alert clock) or "contact" (the tier clock)."""
    @property
    def due(self) -> datetime.datetime:
        """When it is due."""
    @property
    def warn_at(self) -> datetime.datetime:
        """When it becomes "warned"."""
    @property
    def state(self) -> Literal["pending", "warned", "breached", "met", "met_late"]:
        """"pending", "warned", "breached", "met" or "met_late"."""
    @property
    def met_at(self) -> datetime.datetime | None:
        """When it was met, or None."""
    @property
    def escalate_to(self) -> str | None:
        """Role escalated to on breach, or None."""
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[bytes, datetime.tzinfo]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class CaseEvent:
    """Something that happened by "now" and that a host system acts on; `key`
    is stable (`"{case_id}:{deadline}:{kind}"`), so retries do not duplicate it.

    >>> p = nps.Policy.default()
    >>> t = p.triage(2, 1749819600)  # a 2, submitted at 2025-06-13 13:00 UTC
    >>> s = p.case_status(t, 1749819600 + 6 * 3600, acknowledged_at=1749819600 + 600)
    >>> e = s.events[0]
    >>> e.key, e.kind, e.at.isoformat()
    ('case:contact:warned', 'warned', '2025-06-13T14:30:00+00:00')
    """

    @property
    def key(self) -> str:
        """Stable key."""
    @property
    def kind(self) -> Literal["warned", "breached", "escalated"]:
        """"warned", "breached" or "escalated"."""
    @property
    def deadline(self) -> str:
        """The deadline concerned ("acknowledge", "contact", "public_opinion")."""
    @property
    def at(self) -> datetime.datetime:
        """When it happened."""
    @property
    def to(self) -> str | None:
        """Role to notify (escalations), or None."""
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[bytes, datetime.tzinfo]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class CaseStatus:
    """The status of a triaged case at an instant.

    >>> p = nps.Policy.default()
    >>> t = p.triage(2, 1749819600)  # a 2, submitted at 2025-06-13 13:00 UTC
    >>> s = p.case_status(t, 1749819600 + 6 * 3600, acknowledged_at=1749819600 + 600)
    >>> [(d.name, d.state) for d in s.deadlines]
    [('acknowledge', 'met'), ('contact', 'breached')]
    """

    @property
    def deadlines(self) -> list[DeadlineStatus]:
        """Each deadline (acknowledge first, then contact)."""
    @property
    def events(self) -> list[CaseEvent]:
        """Events fired by "now", in time order."""
    @property
    def next_fire_at(self) -> datetime.datetime | None:
        """The next instant after "now" at which anything changes, or None."""
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[bytes, datetime.tzinfo]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class VisitWarning:
    """One early warning during a visit.

    >>> v = nps.Policy.default().assess_visit(now=1749819600, promised_at=1749819600 - 1800)
    >>> w = v.warnings[0]
    >>> w.level, w.rule, w.detail
    ('yellow', 'waiting', '30 min past the promised time')
    """

    @property
    def level(self) -> _Alert:
        """"red", "orange" or "yellow"."""
    @property
    def rule(self) -> Literal["waiting", "progress_inquiries", "angry_wording"]:
        """"waiting", "progress_inquiries" or "angry_wording"."""
    @property
    def detail(self) -> str:
        """Details (minutes late, matched keyword, ...)."""
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[bytes]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class VisitAssessment:
    """Early-warning assessment of a visit in progress.

    >>> v = nps.Policy.default().assess_visit(
    ...     now=1749819600, promised_at=1749819600 - 1800, progress_inquiries=3)
    >>> v.level, [w.rule for w in v.warnings]
    ('orange', ['progress_inquiries', 'waiting'])
    """

    @property
    def level(self) -> _Alert | None:
        """The most severe level (red > orange > yellow during a visit), or None."""
    @property
    def warnings(self) -> list[VisitWarning]:
        """Warnings, most severe first."""
    @property
    def retention_call(self) -> str | None:
        """Role to make a retention call after consecutive low ratings, or None."""
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[bytes]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Policy:
    """The recovery policy: alert levels, detractor tiers, the compensation
    authority ladder and caps, the business calendar, early-warning rules,
    driver weights, KPI benchmarks and recovery targets.

    >>> p = nps.Policy.default()
    >>> t = p.triage(2, 1749819600)  # a 2, submitted at 2025-06-13 13:00 UTC
    >>> p.currency, t.tier
    ('CNY', 'S')
    """

    @staticmethod
    def default() -> Policy:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    @classmethod
    def from_json(cls, text: str) -> Policy:
        """Loads and validates policy JSON; `InvalidPolicyError.problems` lists
        every problem with its JSON path.
        """
    def to_json(self) -> str:
        """The policy as JSON (loads back to an equal policy)."""
    @staticmethod
    def json_schema() -> str:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    @property
    def currency(self) -> str:
        """ISO 4217 code of every cap and limit."""
    @property
    def calendar(self) -> Calendar | None:
        """The business calendar, or None."""
    @property
    def roles(self) -> list[str]:
        """The roles of the authority ladder, lowest first."""
    def triage(
        self,
        score: float,
        submitted_at: _Instant,
        *,
        high_value: bool = False,
        public_opinion_risk: bool = False,
    ) -> Triage:
        """Triage of one response. `submitted_at` is a timezone-aware datetime
        or Unix seconds; the deadlines come back in the calendar's zone (or
        the zone of `submitted_at` without a calendar; UTC for seconds).
        """
    def triage_many(
        self,
        scores: _Column | Any,
        submitted_at: _Column | None = None,
        *,
        score: str | None = None,
        time: str | None = None,
        high_value: _Column | str | None = None,
        public_opinion_risk: _Column | str | None = None,
        annual_kwh: _Column | str | None = None,
        annual_spend_minor: _Column | str | None = None,
    ) -> TriageTable:
        """Triage of columns: `scores` (any numeric dtype), `submitted_at`
        (int64 Unix seconds, datetime64, tz-aware pandas / polars datetimes),
        optional boolean flag columns. Or a DataFrame (pandas, polars,
        pyarrow Table) first, with `score=` and `time=` naming its score and
        submission-time columns and `high_value=` / `public_opinion_risk=`
        naming its flag columns; the table's score column is then named
        after the DataFrame's. Runs without the GIL.

        >>> import pandas as pd
        >>> df = pd.DataFrame({"nps": [2, 9], "at": [1749819600, 1749819600], "vip": [False, True]})
        >>> t = nps.Policy.default().triage_many(df, score="nps", time="at", high_value="vip")
        >>> list(t.to_pandas().columns[:3]), [x.alert for x in t]
        (['nps', 'alert', 'tier'], ['red', None])

        Without a `high_value` column, customer attributes decide it by the
        policy's high-value rule (`high_value` section; by default above
        5,000 kWh a year or at least 6,600 CNY of service a year):
        `annual_kwh` and `annual_spend_minor` (columns, or names in the
        DataFrame form; NaN = not known).

        >>> t = nps.Policy.default().triage_many([6, 6], [1749819600] * 2, annual_kwh=[5200, 100])
        >>> [x.tier for x in t]
        ['A', 'B']
        """
    def required_approver(
        self,
        items: Iterable[Item | tuple[int, str, str]],
        *,
        tier: str | None,
        rates: Iterable[tuple[str, str, str | int | Decimal] | Mapping[str, Any]] | None = None,
        granted: Mapping[str, int | Money | tuple[int, str] | None] | None = None,
    ) -> Approval:
        """Who must approve a compensation package for a case of `tier`
        ("S", "A", "B" or None). `items` are `Item`s or `(value_minor,
        currency, layer)` tuples; `rates` are `(from, to, "7.1234")` exchange
        rates; `granted` maps "case", "customer", "vehicle" to amounts
        already granted (ints in the policy currency, or `Money`).
        """
    def case_status(
        self,
        triage: Triage,
        now: _Instant,
        *,
        acknowledged_at: _Instant | None = None,
        contacted_at: _Instant | None = None,
        case_id: str = "case",
    ) -> CaseStatus:
        """Deadline states, events (with stable keys) and `next_fire_at` of a
        triaged case at `now`, given when it was acknowledged / contacted.
        """
    def assess_visit(
        self,
        *,
        now: _Instant,
        promised_at: _Instant | None = None,
        progress_inquiries: int = 0,
        messages: Iterable[str] | None = (),
        ratings: Iterable[int] | None = (),
    ) -> VisitAssessment:
        """Early warnings during a visit: waiting past the promised time,
        progress inquiries, angry wording in `messages`, consecutive low
        on-site `ratings` (1..=5 stars by default).
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[bytes]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

# --- recovery cases and programme analytics (SPEC §4.5)

_StepState: TypeAlias = Literal["pending", "due", "late", "done", "done_late"]
_Outcome: TypeAlias = Literal["recovered", "converted", "lost"]
_Event: TypeAlias = Mapping[str, Any]

@final
class Case:
    """A recovery case: the six-step procedure of SPEC §4.5 as an event log.
    Its state is a pure function of the log; an event that cannot be
    applied raises `InvalidEventError` (with `index` and the kind) and
    leaves the case unchanged. The policy is used by `status` and
    `approvals`; instants come back in its calendar's zone, else in the zone
    of the opening event's `at`, else UTC.

    >>> import datetime as dt
    >>> at = dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc)
    >>> opened = {"kind": "opened", "at": at, "score": 2, "reason": "waiting",
    ...           "dealer": "D1", "high_value": False, "public_opinion_risk": False}
    >>> c = nps.Case.from_events([opened], case_id="c1")
    >>> c.apply({"kind": "acknowledged", "at": at + dt.timedelta(minutes=20)})
    >>> len(c), c.original_score, c.dealer, c.is_closed
    (2, 2, 'D1', False)
    """

    @classmethod
    def from_events(
        cls, events: Iterable[_Event], *, policy: Policy | None = None, case_id: str | None = None
    ) -> Case:
        """Replays `events` (a list of dicts: "kind", "at" — an aware datetime,
        Unix seconds or RFC 3339 text with an offset — and the kind's
        fields). `case_id` defaults to "case".
        """
    @classmethod
    def from_json(cls, text: str, *, policy: Policy | None = None) -> Case:
        """A case from `to_json()` text (the log is replayed and checked) with
        the policy it carries; `policy` given must equal it (a mismatch is an
        `InvalidArgumentError` naming `policy`, never a silent switch).
        Without either: the default policy.
        """
    def apply(self, event: _Event) -> None:
        """Applies one event (a dict). Atomic: on error the case is unchanged.
        A `solution_proposed` package must be in the policy's currency.
        """
    def status(self, now: _Instant) -> RecoveryStatus:
        """The status at `now` (aware datetime or Unix seconds): current step,
        every step's window and lateness, the triage deadlines, approvals.
        """
    def approvals(self) -> list[Approval]:
        """Approval of every proposed package, in order (the case's tier; the
        packages accepted earlier count toward the case's cumulative total).
        """
    def to_json(self) -> str:
        """The case and its policy as JSON: {"id": ..., "events": [...],
        "policy": {...}} (instants in UTC; floats exact). `Case.from_json`
        reads it back with the same policy.
        """
    @property
    def id(self) -> str:
        """The case id."""
    @property
    def policy(self) -> Policy:
        """The policy used by `status`."""
    @property
    def events(self) -> list[dict[str, Any]]:
        """The event log as dicts (instants as aware datetimes)."""
    @property
    def original_score(self) -> int:
        """The original score (never replaced by a re-rating)."""
    @property
    def rerated_score(self) -> int | None:
        """The re-rated score, or None."""
    @property
    def outcome(self) -> _Outcome | None:
        """"recovered", "converted", "lost", or None while open."""
    @property
    def is_closed(self) -> bool:
        """Whether the case is closed."""
    @property
    def reason(self) -> str:
        """The low-score reason."""
    @property
    def dealer(self) -> str | None:
        """The dealer, or None."""
    @property
    def opened_at(self) -> datetime.datetime:
        """When the case opened (the alert)."""
    @property
    def contacted_at(self) -> datetime.datetime | None:
        """First contact, or None."""
    @property
    def channel(self) -> Literal["visit", "video", "phone", "message"] | None:
        """Channel of the first contact ("visit", "video", "phone", "message"), or None."""
    @property
    def strongest_channel(self) -> Literal["visit", "video", "phone", "message"] | None:
        """The strongest channel of every contact (visit > video > phone >
        message): the apology channel of `recovery_stats` by default; or None.
        """
    @property
    def responsibility(self) -> Literal["company", "customer", "shared", "force_majeure"] | None:
        """Root-cause responsibility, or None."""
    def __len__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[bytes, datetime.tzinfo]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class StepStatus:
    """One procedure step at an instant.

    >>> import datetime as dt
    >>> at = dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc)
    >>> opened = {"kind": "opened", "at": at, "score": 2, "reason": "waiting",
    ...           "dealer": "D1", "high_value": False, "public_opinion_risk": False}
    >>> c = nps.Case.from_events([opened], case_id="c1")
    >>> c.apply({"kind": "acknowledged", "at": at + dt.timedelta(minutes=20)})
    >>> s = c.status(at + dt.timedelta(hours=1)).steps[0]
    >>> s.name, s.state, s.late_seconds
    ('identify_and_grade', 'done', 0)
    """

    @property
    def name(self) -> str:
        """Step name from the policy ("identify_and_grade", ...)."""
    @property
    def start(self) -> datetime.datetime:
        """Window start."""
    @property
    def due(self) -> datetime.datetime | None:
        """Window end, or None (open-ended)."""
    @property
    def completed_at(self) -> datetime.datetime | None:
        """When it was completed, or None."""
    @property
    def state(self) -> _StepState:
        """"pending", "due", "late", "done" or "done_late"."""
    @property
    def late_seconds(self) -> int:
        """Wall-clock seconds late (0 unless late or done late)."""
    def __reduce__(self) -> tuple[Any, tuple[bytes, datetime.tzinfo]]: ...


@final
class RecoveryStatus:
    """Status of a recovery case at an instant.

    >>> import datetime as dt
    >>> at = dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc)
    >>> opened = {"kind": "opened", "at": at, "score": 2, "reason": "waiting",
    ...           "dealer": "D1", "high_value": False, "public_opinion_risk": False}
    >>> c = nps.Case.from_events([opened], case_id="c1")
    >>> c.apply({"kind": "acknowledged", "at": at + dt.timedelta(minutes=20)})
    >>> s = c.status(at + dt.timedelta(hours=1))
    >>> s.current_step, s.late_steps
    ('first_contact', [])
    """

    @property
    def now(self) -> datetime.datetime:
        """The instant."""
    @property
    def current_step(self) -> str | None:
        """The first step not completed, or None when all are."""
    @property
    def steps(self) -> list[StepStatus]:
        """Every step, in order."""
    @property
    def follow_up(self) -> StepStatus | None:
        """The follow-up ("follow_up") in its own window from the delivery
        (`executed`; the policy's recovery.follow_up, default 3-7 days), or
        None before the delivery.
        """
    @property
    def late_steps(self) -> list[str]:
        """Names of the steps late or done late (the follow-up included)."""
    @property
    def deadlines(self) -> CaseStatus:
        """The triage deadlines (alert and tier clocks)."""
    @property
    def approvals(self) -> list[Approval]:
        """Approval of every proposal, in order."""
    @property
    def last_approval(self) -> Approval | None:
        """Approval of the last proposal, or None."""
    @property
    def outcome(self) -> _Outcome | None:
        """Outcome if closed by then, else None."""
    def __reduce__(self) -> tuple[Any, tuple[bytes, datetime.tzinfo]]: ...


@final
class RecoveryRate:
    """A rate with its numerator and denominator; `value` is None ("no data")
    when the denominator is 0.

    >>> r = nps.recovery_stats([]).launch_rate  # no low scores: no data
    >>> r.value, r.numerator, r.denominator
    (None, 0, 0)
    """

    @property
    def value(self) -> float | None:
        """numerator / denominator (a fraction 0–1), or None."""
    @property
    def numerator(self) -> int:
        """Numerator."""
    @property
    def denominator(self) -> int:
        """Denominator."""
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[bytes]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class RecoveryBand:
    """One band of a success split.

    >>> [b.label for b in nps.recovery_stats([]).by_speed]
    ['<= 6h', '<= 24h', '> 24h', 'not_contacted']
    """

    @property
    def label(self) -> str:
        """RecoveryBand label ("<= 6h", "not_contacted", "none", "<= 500.00 CNY", "phone", ...)."""
    @property
    def success(self) -> RecoveryRate:
        """Success: recovered / cases in the band."""
    @property
    def expected(self) -> float | None:
        """The policy's expected success for a speed band, else None."""
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[bytes]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]


@final
class RecoveryStats:
    """Programme statistics of one group of recovery cases (SPEC §4.5). Every
    rate is over `low_scores`.

    >>> import datetime as dt
    >>> at = dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc)
    >>> opened = {"kind": "opened", "at": at, "score": 2, "reason": "waiting",
    ...           "dealer": "D1", "high_value": False, "public_opinion_risk": False}
    >>> c = nps.Case.from_events([opened], case_id="c1")
    >>> c.apply({"kind": "acknowledged", "at": at + dt.timedelta(minutes=20)})
    >>> s = nps.recovery_stats([c])
    >>> s.low_scores, s.launched, s.launch_rate.value  # acknowledged, not contacted yet
    (1, 0, 0.0)
    """

    @property
    def low_scores(self) -> int:
        """Low scores received (cases with an original score 0–6)."""
    @property
    def launched(self) -> int:
        """Cases where a contact was made."""
    @property
    def responded_24h(self) -> int:
        """First contact within 24 h of opening."""
    @property
    def recovered(self) -> int:
        """Closed recovered or converted."""
    @property
    def converted(self) -> int:
        """Closed converted (a subset of recovered)."""
    @property
    def lost(self) -> int:
        """Closed lost."""
    @property
    def launch_rate(self) -> RecoveryRate:
        """launched / low_scores."""
    @property
    def response_24h_rate(self) -> RecoveryRate:
        """responded_24h / low_scores."""
    @property
    def success_rate(self) -> RecoveryRate:
        """recovered / low_scores."""
    @property
    def conversion_rate(self) -> RecoveryRate:
        """converted / low_scores."""
    @property
    def lost_rate(self) -> RecoveryRate:
        """lost / low_scores."""
    @property
    def reasons(self) -> list[tuple[str, RecoveryRate]]:
        """Top reasons as (reason, RecoveryRate) pairs, most frequent first."""
    @property
    def by_speed(self) -> list[RecoveryBand]:
        """Success by response speed (the policy's bands, then "not_contacted")."""
    @property
    def by_compensation(self) -> list[RecoveryBand]:
        """Success by compensation level (none, up to each tier cap, above)."""
    @property
    def by_channel(self) -> list[RecoveryBand]:
        """Success by apology channel, strongest first (visit, video, phone,
        message): by default the strongest channel used before the outcome,
        or the first contact's with `channel_rule="first_contact"`.
        """
    @property
    def by_expectation(self) -> list[RecoveryBand]:
        """Success by compensation against the customer's expectation: "none"
        (no accepted package), "standard", "over_expectation" (an accepted
        package marked so, or whose total exceeds the stated expectation).
        """
    def merge(self, other: RecoveryStats) -> RecoveryStats:
        """The statistics of this set of cases and of `other` (a disjoint set)
        together: equal to `recovery_stats` over both at once (counts,
        rates, top reasons, every split). Also `self + other`. Raises
        InvalidArgumentError (argument `other`) when the two were computed
        with different policies or `top_reasons`, or share a case id.

        >>> import datetime as dt
        >>> at = dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc)
        >>> def case(i, reason):
        ...     return nps.Case.from_events([{"kind": "opened", "at": at, "score": 2, "reason": reason,
        ...         "high_value": False, "public_opinion_risk": False}], case_id=f"c{i}")
        >>> a = nps.recovery_stats([case(1, "wait")])
        >>> b = nps.recovery_stats([case(2, "price"), case(3, "price")])
        >>> m = a + b
        >>> m.low_scores, m.reasons[0][0]
        (3, 'price')
        """
    def __add__(self, other: RecoveryStats, /) -> RecoveryStats: ...
    def __radd__(self, other: RecoveryStats, /) -> RecoveryStats: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[bytes]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]


@final
class RecoveryStatsTable:
    """Programme statistics per period and/or dealer.

    >>> import datetime as dt
    >>> at = dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc)
    >>> opened = {"kind": "opened", "at": at, "score": 2, "reason": "waiting",
    ...           "dealer": "D1", "high_value": False, "public_opinion_risk": False}
    >>> c = nps.Case.from_events([opened], case_id="c1")
    >>> c.apply({"kind": "acknowledged", "at": at + dt.timedelta(minutes=20)})
    >>> t = nps.recovery_stats([c], by="dealer")
    >>> len(t), t.to_dict()["dealer"]
    (1, ['D1'])
    """

    def __len__(self) -> int: ...
    def __getitem__(self, key: int, /) -> tuple[str | None, str | None, RecoveryStats]: ...
    def _table(self) -> dict[str, tuple[str, Any, Any]]:
        """The table as columns for `nps/_table.py` (`to_arrow`, `to_pandas`,
        `to_polars`, `to_dict`): `dealer` (when grouped by dealer), the key
        columns (named after the key columns given when known, else `key`
        or `key_0`, `key_1`, ...), `period` (the local first day, when
        grouped by period), the six counts and the five rates' values
        (None = no data).
        """
    def to_dict(self) -> dict[str, list[Any]]:
        """The table, one row per group, as a dict of equal-length lists; no data is None."""
    def to_pandas(self) -> Any:
        """The table, one row per group, as a pandas DataFrame; no data is <NA>, never NaN."""
    def to_polars(self) -> Any:
        """The table, one row per group, as a polars DataFrame; no data is null."""
    def to_arrow(self) -> Any:
        """The table, one row per group, as a ``pyarrow.Table`` (typed nullable columns; key columns, ``period`` as a date, values)."""
    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """"""
    def __arrow_c_schema__(self) -> Any:
        """"""
    def _repr_html_(self) -> str:
        """The table, one row per group, as a compact HTML table (notebook display)."""
    def merge(self, other: RecoveryStatsTable) -> RecoveryStatsTable:
        """This table and `other` (of a disjoint set of cases) together:
        groups in both merge, the others are kept; equal to
        `recovery_stats` over both sets at once. Also `self + other`.
        Raises InvalidArgumentError (argument `other`) when the two were
        grouped differently, computed with different policies or options,
        or share a case id.

        >>> import datetime as dt
        >>> at = dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc)
        >>> def case(i, dealer):
        ...     return nps.Case.from_events([{"kind": "opened", "at": at, "score": 2, "reason": "wait",
        ...         "dealer": dealer, "high_value": False, "public_opinion_risk": False}], case_id=f"c{i}")
        >>> a = nps.recovery_stats([case(1, "D1"), case(2, "D2")], by="dealer")
        >>> b = nps.recovery_stats([case(3, "D1")], by="dealer")
        >>> (a + b).to_dict()["low_scores"]
        [2, 1]
        """
    def __add__(self, other: RecoveryStatsTable, /) -> RecoveryStatsTable: ...
    def __radd__(self, other: RecoveryStatsTable, /) -> RecoveryStatsTable: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[bytes]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class RankedCase:
    """An open case ranked by expected recovered value.

    >>> import datetime as dt
    >>> at = dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc)
    >>> opened = {"kind": "opened", "at": at, "score": 2, "reason": "waiting",
    ...           "dealer": "D1", "high_value": False, "public_opinion_risk": False}
    >>> c = nps.Case.from_events([opened], case_id="c1")
    >>> c.apply({"kind": "acknowledged", "at": at + dt.timedelta(minutes=20)})
    >>> r = nps.rank_open_cases([c], [1000.0], at + dt.timedelta(hours=1))[0]
    >>> r.case_id, r.band_label
    ('c1', '<= 6h')
    """

    @property
    def index(self) -> int:
        """Position of the case in the input list."""
    @property
    def case_id(self) -> str:
        """Case id."""
    @property
    def band(self) -> int:
        """Speed band (index into the policy's success_by_speed)."""
    @property
    def band_label(self) -> str:
        """Its label ("<= 6h", ...)."""
    @property
    def probability(self) -> float:
        """Success probability of the band."""
    @property
    def value(self) -> float:
        """The customer value given."""
    @property
    def expected(self) -> float:
        """probability × value."""
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[bytes]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]


def recovery_stats(
    cases: Iterable[Case] | Any,
    *,
    policy: Policy | None = None,
    period: _PeriodName | None = None,
    by: Literal["dealer"] | None = None,
    tz: str | None = None,
    top_reasons: int | None = None,
    keys: _Column | Sequence[_Column] | None = None,
    case: str | None = None,
    event: str | None = None,
    at: str | None = None,
    score: str | None = None,
    reason: str | None = None,
    high_value: str | None = None,
    public_opinion_risk: str | None = None,
    dealer: str | None = None,
    channel: str | None = None,
    responsibility: str | None = None,
    value: str | None = None,
    currency: str | None = None,
    layer: str | None = None,
    outcome: str | None = None,
    over_expectation: str | None = None,
    expectation: str | None = None,
    channel_rule: Literal["strongest", "first_contact"] | None = None,
) -> RecoveryStats | RecoveryStatsTable:
    """Programme statistics (SPEC §4.5) of `cases` (a list of `nps.Case`):
    one `RecoveryStats`, or with `period` ("day", "week", "month",
    "quarter"; a case falls in the period of its opening instant in `tz`)
    and/or `by="dealer"` and/or `keys` a `RecoveryStatsTable`. `keys` is
    a key column with one key per case (e.g. the advisor, strings or
    integers) or a list of such columns (e.g. `[region, advisor]`): groups
    are period, then dealer, then key, and the table's `key` column holds
    each group's key (a tuple for several columns).

    The DataFrame form: an event table (pandas, polars, pyarrow, anything
    with `__arrow_c_stream__`) first, one row per case event, with `case=`
    (the case id), `event=` (the kind: "opened", "acknowledged",
    "contacted", "investigated", "solution_proposed", "solution_accepted",
    "execution_started", "executed", "followed_up", "rerated", "closed",
    "reviewed") and `at=`
    (the instant: aware datetimes, datetime64 as UTC, or Unix seconds)
    naming its columns, and the columns of the fields the events carry:
    `score=` (opened, rerated), `reason=`, `high_value=`,
    `public_opinion_risk=`, `dealer=` (opened), `channel=` (contacted),
    `responsibility=` (investigated), `outcome=` (closed) and, one row per
    package item of `solution_proposed`, `value=` (minor units),
    `currency=`, `layer=` (the rows of a case at one instant are one
    package), optionally `over_expectation=` (booleans: the package is
    marked over the customer's expectation) and `expectation=` (the
    customer's stated expectation in minor units, NaN/None = not given).
    `channel_rule=` sets the apology channel of `by_channel`: "strongest"
    (the strongest channel used before the outcome, visit > video > phone >
    message) or "first_contact"; not given is nps-core's default
    (`StatsOptions::default()`, "strongest"). A case's rows are taken in time order (ties in row order).
    The result equals building the same `Case`s event by event. A bad row
    (unknown event, missing instant or field, an event the case refuses
    such as a second "opened") raises InvalidValueError /
    InvalidEventError naming the case id and the row (`.index`); `keys`
    is not taken with a table.

    >>> import datetime as dt
    >>> at = dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc)
    >>> opened = {"kind": "opened", "at": at, "score": 2, "reason": "waiting",
    ...           "dealer": "D1", "high_value": False, "public_opinion_risk": False}
    >>> c = nps.Case.from_events([opened], case_id="c1")
    >>> c.apply({"kind": "acknowledged", "at": at + dt.timedelta(minutes=20)})
    >>> nps.recovery_stats([c]).low_scores
    1
    >>> import pandas as pd
    >>> log = pd.DataFrame({"case_id": ["c1", "c2", "c1", "c1", "c1"],
    ...     "event": ["opened", "opened", "acknowledged", "contacted", "closed"],
    ...     "at": pd.to_datetime([0, 0, 600, 3600, 7200], unit="s", utc=True),
    ...     "score": [3, 5, None, None, None], "reason": ["wait", "price", None, None, None],
    ...     "channel": [None, None, None, "phone", None],
    ...     "outcome": [None, None, None, None, "recovered"]})
    >>> s = nps.recovery_stats(log, case="case_id", event="event", at="at", score="score",
    ...     reason="reason", channel="channel", outcome="outcome")
    >>> s.low_scores, s.launched, s.recovered
    (2, 1, 1)
    """

def recovery_stats_from_case_columns(
    table: Any,
    *,
    case: str,
    opened: str,
    score: str,
    reason: str,
    dealer: str | None = None,
    contacted: str | None = None,
    channel: str | None = None,
    outcome: str | None = None,
    compensation: str | None = None,
    over_expectation: str | None = None,
    policy: Policy | None = None,
    period: _PeriodName | None = None,
    by: Literal["dealer"] | None = None,
    tz: str | None = None,
    top_reasons: int | None = None,
    keys: _Column | Sequence[_Column] | None = None,
    channel_rule: Literal["strongest", "first_contact"] | None = None,
) -> RecoveryStats | RecoveryStatsTable:
    """Programme statistics (SPEC §4.5) of a case table: `table` (pandas,
    polars, pyarrow, anything with `__arrow_c_stream__`) has one row per
    case, and the keywords name its columns. The statistics are computed
    in nps-core from the columns, without building `nps.Case` objects, and
    equal `recovery_stats` of cases whose state says what the rows say.

    Columns: `case=` (the case id: strings, or integers, kept as numbers:
    the case 7 is the case "7"), `opened=` (the opening instant: aware datetimes, datetime64 as
    UTC, or Unix seconds), `score=` (the original score, a whole number
    0–10; a `uint8` column is read in place) and `reason=` (the low-score
    reason) are required; `dealer=`
    (strings or integers), `contacted=` (the first contact, an instant;
    missing = never contacted), `channel=` (the apology channel of a
    contacted case: "phone", "visit", "message", "video", as `channel_rule`
    picks it), `outcome=` ("recovered", "converted", "lost"; missing =
    open), `compensation=` (the total of the accepted packages in minor
    units of the policy's currency; NaN/None = none) and
    `over_expectation=` (booleans) are optional. `period`, `by`, `tz`,
    `keys`, `top_reasons`, `channel_rule` and `policy` are those of
    `recovery_stats` (one `RecoveryStats`, or a `RecoveryStatsTable` when
    grouped). Text columns may be strings (Arrow strings are read in
    place) or categoricals (read by their codes): each distinct reason,
    dealer, channel and outcome is looked up once.

    A bad row (missing score, unknown channel, a contact before the
    opening, a recovered case never contacted, ...) raises
    InvalidValueError naming the case id, the column and the row
    (`.index`).

    >>> import pandas as pd
    >>> cases = pd.DataFrame({"case_id": ["c1", "c2", "c3"], "opened": [0, 0, 0],
    ...     "score": [3, 5, 9], "reason": ["wait", "price", "none"],
    ...     "contacted": [3600, None, None], "channel": ["visit", None, None],
    ...     "outcome": ["recovered", None, None]})
    >>> s = nps.recovery_stats_from_case_columns(cases, case="case_id", opened="opened",
    ...     score="score", reason="reason", contacted="contacted", channel="channel",
    ...     outcome="outcome")
    >>> s.low_scores, s.launched, s.recovered
    (2, 1, 1)
    """

def rank_open_cases(
    cases: Iterable[Case], values: _Column, now: _Instant, *, policy: Policy | None = None
) -> list[RankedCase]:
    """Open cases ranked by expected recovered value (success probability of
    the response-speed band × `values[i]`), descending, ties by case id.
    `values` is a column (list, numpy, pandas, polars) of the same length.

    >>> import datetime as dt
    >>> at = dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc)
    >>> opened = {"kind": "opened", "at": at, "score": 2, "reason": "waiting",
    ...           "dealer": "D1", "high_value": False, "public_opinion_risk": False}
    >>> c = nps.Case.from_events([opened], case_id="c1")
    >>> c.apply({"kind": "acknowledged", "at": at + dt.timedelta(minutes=20)})
    >>> [r.case_id for r in nps.rank_open_cases([c], [1000.0], at + dt.timedelta(hours=1))]
    ['c1']
    """

# Integrity of the score (issue 4).

_Basis: TypeAlias = Literal["original", "rerated", "both"]
_Correction: TypeAlias = Literal["bonferroni", "none"]

@final
class Rerating:
    """Original and after-recovery tallies of one sample or group (see
    `rerated_nps` and `rerated_nps_by`). The reported NPS uses the original
    scores unless the basis is "rerated"; the after-recovery NPS is always
    available next to it.

    >>> r = nps.rerated_nps([2, 9, 10, 6], [9, 9, 10, 6])  # the 2 re-rated as 9
    >>> r.original_nps, r.after_recovery_nps
    (0.0, 50.0)
    """

    @property
    def key(self) -> Any:
        """The group key (int or str) from `rerated_nps_by`, else None."""
    @property
    def basis(self) -> _Basis:
        """The basis asked for: "original", "rerated" or "both"."""
    @property
    def original(self) -> Tally:
        """Tally of the original scores."""
    @property
    def after_recovery(self) -> Tally:
        """Tally of the re-rated score where there is one, else the original."""
    @property
    def reported(self) -> Tally:
        """The tally a report shows: `after_recovery` for basis "rerated", else `original`."""
    @property
    def nps(self) -> float | None:
        """NPS of `reported` in points, or None without data."""
    @property
    def original_nps(self) -> float | None:
        """NPS of the original scores, or None without data."""
    @property
    def after_recovery_nps(self) -> float | None:
        """NPS after recovery (re-ratings replacing their originals), or None."""
    @property
    def rerated(self) -> int:
        """Rows with a re-rating."""
    @property
    def detractors_rerated(self) -> int:
        """Re-rated rows whose original score was a detractor (0–6)."""
    @property
    def detractors_moved_up(self) -> int:
        """Re-rated detractors whose re-rating is 7–10."""
    @property
    def detractors_to_promoter(self) -> int:
        """Re-rated detractors whose re-rating is 9–10."""
    def merge(self, other: Rerating) -> Rerating:
        """The re-rating of these rows and of `other` (disjoint rows of the
        same group) together: tallies merge, counts add; equal to
        `rerated_nps` over both at once. Also `self + other`. Raises
        InvalidArgumentError (argument `other`) for another basis or group.

        >>> m = nps.rerated_nps([2, 9], [9, None]) + nps.rerated_nps([6], [7])
        >>> m.original.n, m.detractors_moved_up
        (3, 2)
        """
    def __add__(self, other: Rerating, /) -> Rerating: ...
    def __radd__(self, other: Rerating, /) -> Rerating: ...
    def __reduce__(self) -> tuple[Any, tuple[bytes, Any]]: ...


@final
class ManagedFlag:
    """One test of one group: the statistic and threshold behind the verdict.

    >>> scores = [10] * 40 + [9] * 5 + [10] * 10 + [9] * 10 + [8] * 10 + [5] * 10
    >>> f = nps.managed_flags(scores, ["A"] * 45 + ["B"] * 40)
    >>> x = [x for x in f if x.key == "A" and x.test == "tens"][0]
    >>> x.status, x.observed, x.n  # 40 tens of 45
    ('flagged', 40, 45)
    """

    @property
    def key(self) -> Any:
        """The group's key (int or str)."""
    @property
    def test(self) -> Literal["tens", "few_detractors", "nothing_below_9", "rerating_pressure"]:
        """"tens", "few_detractors", "nothing_below_9" or "rerating_pressure"."""
    @property
    def status(self) -> Literal["flagged", "not_flagged", "insufficient_n", "no_data"]:
        """"flagged", "not_flagged", "insufficient_n" or "no_data"."""
    @property
    def flagged(self) -> bool:
        """True when status is "flagged"."""
    @property
    def n(self) -> int:
        """Trials: the group's responses (its detractors for "rerating_pressure")."""
    @property
    def observed(self) -> int:
        """Observed count in the group."""
    @property
    def share(self) -> float | None:
        """observed / n, or None when n is 0."""
    @property
    def network_n(self) -> int:
        """Trials in the network without this group."""
    @property
    def network_observed(self) -> int:
        """Observed count in the network without this group."""
    @property
    def network_share(self) -> float | None:
        """The null share (network without this group), or None."""
    @property
    def tail(self) -> Literal["upper", "lower"]:
        """"upper" (P(X >= observed)) or "lower" (P(X <= observed))."""
    @property
    def p_value(self) -> float | None:
        """Exact binomial tail probability, or None without a network share."""
    @property
    def ln_p_value(self) -> float | None:
        """Natural log of p_value (finite where p_value underflows to 0)."""
    @property
    def ln_min_p_value(self) -> float | None:
        """Natural log of the smallest p-value reachable at this n."""
    @property
    def threshold(self) -> float:
        """The corrected threshold (alpha / comparisons for Bonferroni)."""
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[bytes]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]


@final
class ManagedFlags:
    """The result of `managed_flags`: one row per group and test, groups sorted
    by key, tests in the order tens, few_detractors, nothing_below_9,
    rerating_pressure.

    >>> scores = [10] * 40 + [9] * 5 + [10] * 10 + [9] * 10 + [8] * 10 + [5] * 10
    >>> f = nps.managed_flags(scores, ["A"] * 45 + ["B"] * 40)
    >>> sorted(x.test for x in f if x.key == "A" and x.status == "flagged")
    ['few_detractors', 'nothing_below_9', 'tens']
    """

    def __len__(self) -> int: ...
    def __getitem__(self, index: int, /) -> ManagedFlag: ...
    def __iter__(self) -> Iterator[ManagedFlag]: ...
    def flagged(self) -> list[ManagedFlag]:
        """The flagged rows."""
    @property
    def alpha(self) -> float:
        """Family-wise significance level."""
    @property
    def correction(self) -> _Correction:
        """"bonferroni" or "none"."""
    @property
    def comparisons(self) -> int:
        """Number of comparisons (groups × tests)."""
    @property
    def threshold(self) -> float:
        """The corrected threshold every p-value is compared with."""
    @property
    def min_n(self) -> int:
        """Minimum responses per group."""
    @property
    def skipped(self) -> int:
        """Rows skipped for an invalid score (invalid="skip")."""
    @property
    def rerated(self) -> bool:
        """Whether the re-rating-pressure test ran (`rerated` was given)."""
    def _table(self) -> dict[str, tuple[str, Any, Any]]:
        """The rows as columns for `nps/_table.py` (`to_arrow`, `to_pandas`,
        `to_polars`, `to_dict`): the key columns (named after the columns
        grouped by when known, else `key` or `key_0`, `key_1`, ...), then
        the `ManagedFlag` fields `test`, `status`, `flagged`, `n`,
        `observed`, `share`, `network_n`, `network_observed`,
        `network_share`, `tail`, `p_value`, `ln_p_value`, `ln_min_p_value`,
        `threshold` (None where a row has no value).
        """
    def to_dict(self) -> dict[str, list[Any]]:
        """The flags, one row per group and test, as a dict of equal-length lists; no data is None."""
    def to_pandas(self) -> Any:
        """The flags, one row per group and test, as a pandas DataFrame; no data is <NA>, never NaN."""
    def to_polars(self) -> Any:
        """The flags, one row per group and test, as a polars DataFrame; no data is null."""
    def to_arrow(self) -> Any:
        """The flags, one row per group and test, as a ``pyarrow.Table`` (typed nullable columns; key columns, ``period`` as a date, values)."""
    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """"""
    def __arrow_c_schema__(self) -> Any:
        """"""
    def _repr_html_(self) -> str:
        """The flags, one row per group and test, as a compact HTML table (notebook display)."""
    def merge(self, other: ManagedFlags) -> ManagedFlags:
        """The flags of these rows and of `other` (disjoint rows, e.g. another
        partition) together: each group's counts add and every share,
        p-value, the number of comparisons, the threshold and every verdict
        are recomputed, so the result equals `managed_flags` over both at
        once. Also `self + other`. Raises InvalidArgumentError (argument
        `other`) when the two were computed with different alpha, min_n,
        correction or with and without `rerated`.

        >>> a = nps.managed_flags([10] * 40 + [9] * 5, ["A"] * 45, min_n=0)
        >>> b = nps.managed_flags([10] * 10 + [9] * 10 + [8] * 10 + [5] * 10, ["B"] * 40, min_n=0)
        >>> sorted(x.test for x in a + b if x.key == "A" and x.flagged)
        ['few_detractors', 'nothing_below_9', 'tens']
        """
    def __add__(self, other: ManagedFlags, /) -> ManagedFlags: ...
    def __radd__(self, other: ManagedFlags, /) -> ManagedFlags: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[bytes]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

def rerated_nps(original: _Column, rerated: _Column, *, basis: _Basis = "original") -> Rerating:
    """Tallies original scores and their re-ratings after recovery.

    A re-rating is stored next to the original score, never instead of it:
    the reported NPS uses the original scores unless `basis="rerated"`.

    Args:
        original: the original scores (0-10): numpy, pandas, polars or list.
        rerated: same length; the re-rating of each row after recovery, or
            NaN / None / null when the row was not re-rated.
        basis: "original" (default), "rerated" (re-rated where present, else
            original) or "both" (reported = original, both shown).

    Returns a `Rerating`. Raises InvalidScoreError (invalid original, with
    its row), InvalidValueError (invalid re-rating, naming `rerated`),
    LengthMismatchError.

    >>> r = nps.rerated_nps([2, 9, 10, 6], [9, 9, 10, 6])
    >>> r.basis, r.original_nps, r.after_recovery_nps
    ('original', 0.0, 50.0)
    """
def managed_flags(
    scores: _Column | Any,
    by: _Column | Sequence[_Column] | str | Sequence[str] | None = None,
    *,
    score: str | None = None,
    alpha: float | None = None,
    min_n: int | None = None,
    correction: _Correction | None = None,
    rerated: _Column | str | None = None,
    invalid: _InvalidPolicy | None = None,
) -> ManagedFlags:
    """Flags groups whose score distribution looks managed.

    Each group is tested against the rest of the network (leave-one-out)
    with exact binomial tails: "tens" (too many 10s, P(X >= x)),
    "few_detractors" (P(X <= x); (1-p)^n when there are none),
    "nothing_below_9" (a form that only accepts 9-10), and with `rerated`
    "rerating_pressure" (the share of the group's detractors re-rated to
    7-10). A test is flagged when its p-value <= alpha / (groups x tests)
    (Bonferroni; `correction="none"` uses alpha). Groups with fewer than
    `min_n` responses, or too small to ever reach the threshold, are
    "insufficient_n".

    Args:
        scores: original scores (0-10), any numeric column; or a DataFrame
            (pandas, polars, pyarrow Table) whose columns `by=`, `score=`
            and `rerated=` name.
        by: the group key of each row (dealer, advisor; ints or strings),
            or a list of key columns (one group per combination); with a
            DataFrame, a column name or a list of names.
        score: with a DataFrame, the name of its score column.
        alpha: family-wise significance level in (0, 1), default 0.001.
        min_n: minimum responses per group, default 30.
        correction: "bonferroni" (default) or "none".
        rerated: optional re-ratings (NaN / None = not re-rated); with a
            DataFrame, the name of its column.
        invalid: "raise" (default) or "skip" invalid scores.

    Returns `ManagedFlags`: rows sorted by key then test, with
    `to_pandas()`, `to_polars()`, `to_arrow()` (key columns named after
    the columns grouped by when known). Partial flags of disjoint rows
    merge exactly (`ManagedFlags.merge`, `+`).

    >>> scores = [10] * 40 + [9] * 5 + [10] * 10 + [9] * 10 + [8] * 10 + [5] * 10
    >>> f = nps.managed_flags(scores, ["A"] * 45 + ["B"] * 40)
    >>> f.alpha, f.correction
    (0.001, 'bonferroni')
    >>> import pandas as pd
    >>> df = pd.DataFrame({"dealer": ["A"] * 45 + ["B"] * 40, "nps": scores})
    >>> t = nps.managed_flags(df, by="dealer", score="nps").to_pandas()
    >>> list(t.columns[:3]), int(t["flagged"].sum())
    (['dealer', 'test', 'status'], 3)
    """

@final
class ReratingTable:
    """The result of `rerated_nps_by`: one `Rerating` per group, sorted by key.

    >>> t = nps.rerated_nps_by([2, 9, 10, 6], [9, 9, 10, 6], ["a", "a", "b", "b"])
    >>> [(r.key, r.after_recovery_nps) for r in t]
    [('a', 100.0), ('b', 0.0)]
    """

    def __len__(self) -> int: ...
    def __getitem__(self, index: int, /) -> Rerating: ...
    def __iter__(self) -> Iterator[Rerating]: ...
    def _table(self) -> dict[str, tuple[str, Any, Any]]:
        """The table as columns for `nps/_table.py` (`to_arrow`, `to_pandas`,
        `to_polars`, `to_dict`): the key columns (named after the columns
        grouped by when known, else `key` or `key_0`, `key_1`, ...),
        `basis`, `n`, `reported_nps`, `original_nps`, `after_recovery_nps`
        (None without data), `rerated`, `detractors_rerated`,
        `detractors_moved_up`, `detractors_to_promoter`.
        """
    def to_dict(self) -> dict[str, list[Any]]:
        """The table, one row per group, as a dict of equal-length lists; no data is None."""
    def to_pandas(self) -> Any:
        """The table, one row per group, as a pandas DataFrame; no data is <NA>, never NaN."""
    def to_polars(self) -> Any:
        """The table, one row per group, as a polars DataFrame; no data is null."""
    def to_arrow(self) -> Any:
        """The table, one row per group, as a ``pyarrow.Table`` (typed nullable columns; key columns, ``period`` as a date, values)."""
    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """"""
    def __arrow_c_schema__(self) -> Any:
        """"""
    def _repr_html_(self) -> str:
        """The table, one row per group, as a compact HTML table (notebook display)."""
    def merge(self, other: ReratingTable) -> ReratingTable:
        """This table and `other` (of disjoint rows) together: groups with the
        same key merge, the others are kept; equal to `rerated_nps_by` over
        both at once. Also `self + other`. Raises InvalidArgumentError
        (argument `other`) for another basis or other key columns.

        >>> a = nps.rerated_nps_by([2, 9], [9, None], ["x", "y"])
        >>> b = nps.rerated_nps_by([6], [7], ["x"])
        >>> [(r.key, r.detractors_moved_up) for r in a + b]
        [('x', 2), ('y', 0)]
        """
    def __add__(self, other: ReratingTable, /) -> ReratingTable: ...
    def __radd__(self, other: ReratingTable, /) -> ReratingTable: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[bytes]]: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

def rerated_nps_by(
    original: _Column, rerated: _Column, by: _Column | Sequence[_Column], *, basis: _Basis = "original"
) -> ReratingTable:
    """`rerated_nps` per group (dealer, advisor): one `Rerating` per key.

    Args:
        original: the original scores (0-10), any numeric column.
        rerated: the re-rating of each row after recovery; NaN / None /
            null = not re-rated.
        by: the group key of each row (ints or strings).
        basis: "original" (default), "rerated" or "both".

    Returns a `ReratingTable` (iterable, `to_pandas()`, `to_polars()`).

    >>> t = nps.rerated_nps_by([2, 9, 10, 6], [9, 9, 10, 6], ["a", "a", "b", "b"])
    >>> [(r.key, r.original_nps) for r in t]
    [('a', 0.0), ('b', 0.0)]
    """

# ---- service KPIs (public names in nps.kpi) ----

@final
class Kpi:
    """A KPI result: `value` (None = no data: the denominator is 0), its
    `numerator`, `denominator` and `coverage` (share of the input rows used).

    >>> k = nps.kpi.rate([1, 0, 1, 1])
    >>> k.value, k.numerator, k.denominator, k.coverage
    (0.75, 3.0, 4.0, 1.0)
    >>> nps.kpi.rate([]).value is None  # no data, never 0
    True
    """

    @property
    def value(self) -> float | None:
        """numerator / denominator, or None when the denominator is 0."""
    @property
    def numerator(self) -> float:
        """Numerator (count, hours or minor units of money)."""
    @property
    def denominator(self) -> float:
        """Denominator."""
    @property
    def coverage(self) -> float | None:
        """Share of the input rows that entered the KPI (None without rows)."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class TimeKpi:
    """A time KPI: n, mean / median / p90 in seconds (linear-interpolation
    quantiles, numpy's default), the target and the share within it.

    >>> t = nps.kpi.time_kpi(target_seconds=180, seconds=[60, 120, 240]).overall
    >>> t.n, t.mean, t.median, t.target_seconds
    (3, 140.0, 120.0, 180)
    """

    @property
    def n(self) -> int:
        """Number of durations."""
    @property
    def mean(self) -> float | None:
        """Mean, seconds (None without data)."""
    @property
    def median(self) -> float | None:
        """Median, seconds."""
    @property
    def p90(self) -> float | None:
        """90th percentile, seconds."""
    @property
    def mean_minutes(self) -> float | None:
        """Mean in minutes (the unit of the per-visit standards; the scorecard
        judges the share within target, not this mean).
        """
    @property
    def target_seconds(self) -> int:
        """Target, seconds (inclusive)."""
    @property
    def within_target(self) -> Kpi:
        """Durations within the target / durations."""
    @property
    def value(self) -> float | None:
        """Same as `within_target.value`."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class SrtCatalog:
    """Standard repair times: operation code -> standard (flat-rate) hours.

    >>> c = nps.kpi.SrtCatalog({"OIL": 0.5, "BRAKE": 1.5})
    >>> c.get("BRAKE"), c.lookup(["OIL", "WASH"])
    (1.5, [0.5, None])
    """

    def __new__(cls, hours: Mapping[str, float] | Iterable[tuple[str, float]]) -> SrtCatalog: ...
    @staticmethod
    def from_json(text: str) -> SrtCatalog:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def to_json(self) -> str:
        """The catalog as JSON."""
    def get(self, code: str) -> float | None:
        """Standard hours of `code`, None when unknown."""
    def lookup(self, codes: list[str]) -> list[float | None]:
        """Standard hours per operation code (None for unknown codes)."""
    def to_dict(self) -> dict[str, float]:
        """`{code: hours}`."""
    def __len__(self) -> int: ...
    def __contains__(self, key: str, /) -> bool: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

_TableColumns: TypeAlias = dict[str, tuple[str, Any, Any]]

@final
class KpiTable:
    """A rate KPI overall (`overall`; `value`, `numerator`, `denominator`,
    `coverage` are its fields) and per group (`groups`: a list of
    `(key, period, Kpi)` sorted by key then period; `key` is None without
    `by=`, a tuple when grouping by several columns; `period` a label such
    as "2025-03", or None). `to_arrow()`, `to_pandas()`, `to_polars()` and
    `to_dict()` give the table (nps-core `KpiTable::to_table`): key columns
    (named after the columns grouped by), `period` (a date), `value`,
    `numerator`, `denominator`, `coverage`.

    A table is a partial result: `a.merge(b)` (or `a + b`, or
    `sum([a, b, ...])`) is the table of the rows of `a` followed by those of
    `b`, exactly (the counts of every group add up); tables computed with
    other options do not merge (`InvalidArgumentError` naming `other`).
    First-time fix, comeback and repeat-complaint tables merge only when
    the input was partitioned by vehicle (all jobs of a vehicle in one
    part): a vehicle in both is an `InvalidArgumentError`, never a wrong
    rate. Tables pickle (Dask, multiprocessing).

    >>> t = nps.kpi.rate([1, 0, 1, 1], by=["a", "a", "b", "b"])
    >>> t.value, t.numerator, t.denominator  # 3 of 4 rows flagged
    (0.75, 3.0, 4.0)
    >>> [(key, k.value) for key, period, k in t]
    [('a', 0.5), ('b', 1.0)]
    >>> t.to_dict()["value"]
    [0.5, 1.0]
    >>> first, rest = nps.kpi.rate([1, 0], by=["a", "a"]), nps.kpi.rate([1, 1], by=["b", "b"])
    >>> (first + rest) == t
    True
    """

    @property
    def overall(self) -> Kpi:
        """The KPI over every row."""
    @property
    def groups(self) -> list[tuple[Any, str | None, Kpi]]:
        """The groups: `(key, period, Kpi)` sorted by key, then period."""
    @property
    def value(self) -> float | None:
        """The overall value (None = no data)."""
    @property
    def numerator(self) -> float:
        """The overall numerator."""
    @property
    def denominator(self) -> float:
        """The overall denominator."""
    @property
    def coverage(self) -> float | None:
        """The overall coverage."""
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[tuple[Any, str | None, Kpi]]: ...
    def _table(self) -> _TableColumns:
        """The table as columns for `nps/_table.py` (`to_arrow`, `to_pandas`,
        `to_polars`, `to_dict`).
        """
    def merge(self, other: KpiTable) -> KpiTable:
        """The table of the rows of this table followed by those of `other`:
        equal to the table computed in one pass over all of them. Raises
        InvalidArgumentError (argument `other`) for a table computed with
        another KPI, option, period, time zone or type of key column, and
        for first-time fix / comeback tables that share a vehicle (their
        input must be partitioned by vehicle).

        >>> a = nps.kpi.csat([5, 2], by=["d1", "d2"])
        >>> b = nps.kpi.csat([4], by=["d2"])
        >>> [(key, k.numerator, k.denominator) for key, _, k in a.merge(b)]
        [('d1', 1.0, 1.0), ('d2', 1.0, 2.0)]
        """
    def __add__(self, other: KpiTable, /) -> KpiTable:
        """`a + b` is `a.merge(b)`."""
    def __radd__(self, other: int, /) -> KpiTable:
        """`0 + a` is `a` (so `sum(tables)` works)."""
    def to_dict(self) -> dict[str, list[Any]]:
        """The table, one row per group, as a dict of equal-length lists; no data is None."""
    def to_pandas(self) -> Any:
        """The table, one row per group, as a pandas DataFrame; no data is <NA>, never NaN."""
    def to_polars(self) -> Any:
        """The table, one row per group, as a polars DataFrame; no data is null."""
    def to_arrow(self) -> Any:
        """The table, one row per group, as a ``pyarrow.Table`` (typed nullable columns; key columns, ``period`` as a date, values)."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any: ...
    def __arrow_c_schema__(self) -> Any: ...
@final
class TimeTable:
    """A time KPI overall (`overall`) and per group (`groups`: a list of
    `(key, period, TimeKpi)`). `to_arrow()`, `to_pandas()`, `to_polars()`
    and `to_dict()` give the table (nps-core `TimeTable::to_table`): key
    columns, `period`, `n`, `mean`, `median`, `p90` (seconds),
    `target_seconds` and `within_target_value` / `_numerator` /
    `_denominator` / `_coverage`.

    A table is a partial result: it keeps the histogram of the durations of
    every group (memory O(distinct durations)), so `a.merge(b)` (or `a + b`)
    is exactly the table of the rows of both, median and p90 included.
    Tables pickle.

    >>> t = nps.kpi.time_kpi(target_seconds=180, seconds=[60, 120, 240])
    >>> t.overall.mean, t.overall.median, t.value  # 2 of 3 within 3 min
    (140.0, 120.0, 0.6666666666666666)
    >>> parts = [nps.kpi.time_kpi(target_seconds=180, seconds=s) for s in ([60], [120, 240])]
    >>> sum(parts).overall.median
    120.0
    """

    @property
    def overall(self) -> TimeKpi:
        """The time KPI over every row."""
    @property
    def groups(self) -> list[tuple[Any, str | None, TimeKpi]]:
        """The groups: `(key, period, TimeKpi)` sorted by key, then period."""
    @property
    def value(self) -> float | None:
        """Overall share within the target."""
    @property
    def within_target(self) -> Kpi:
        """Overall durations within the target / durations."""
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[tuple[Any, str | None, TimeKpi]]: ...
    def _table(self) -> _TableColumns:
        """The table as columns for `nps/_table.py`."""
    def merge(self, other: TimeTable) -> TimeTable:
        """The table of the rows of this table followed by those of `other`:
        equal to the table computed in one pass over all of them, median and
        p90 included. Raises InvalidArgumentError (argument `other`) for a
        table with another target, period, time zone or type of key column.

        >>> a = nps.kpi.time_kpi(target_seconds=180, seconds=[60, 600])
        >>> b = nps.kpi.time_kpi(target_seconds=180, seconds=[120])
        >>> a.merge(b).overall.median
        120.0
        """
    def __add__(self, other: TimeTable, /) -> TimeTable:
        """`a + b` is `a.merge(b)`."""
    def __radd__(self, other: int, /) -> TimeTable:
        """`0 + a` is `a` (so `sum(tables)` works)."""
    def to_dict(self) -> dict[str, list[Any]]:
        """The table, one row per group, as a dict of equal-length lists; no data is None."""
    def to_pandas(self) -> Any:
        """The table, one row per group, as a pandas DataFrame; no data is <NA>, never NaN."""
    def to_polars(self) -> Any:
        """The table, one row per group, as a polars DataFrame; no data is null."""
    def to_arrow(self) -> Any:
        """The table, one row per group, as a ``pyarrow.Table`` (typed nullable columns; key columns, ``period`` as a date, values)."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any: ...
    def __arrow_c_schema__(self) -> Any: ...
_Named: TypeAlias = _Column | str | None
_Keys: TypeAlias = _Column | Sequence[_Column] | str | Sequence[str] | None

def _kpi_first_time_fix(
    vehicles: Any,
    complaints: _Named = None,
    opened: _Named = None,
    closed: _Named = None,
    *,
    vehicle: str | None = None,
    window_days: int | None = None,
    as_of: _Instant | None = None,
    exclude_incomplete: bool | None = None,
    comeback: bool = False,
    by: _Keys = None,
    timestamps: _Column | None = None,
    time: str | None = None,
    period: str | None = None,
    tz: str | None = None,
) -> KpiTable:
    """First-time-fix rate (or, with `comeback=True`, the comeback rate) over
    repair-order rows. See `nps.kpi.first_time_fix_rate`. Options not given
    take nps-core's `ComebackOptions::default()`.
    """
def _kpi_episodes(
    vehicles: Any,
    complaints: _Named = None,
    opened: _Named = None,
    closed: _Named = None,
    operations: _Named = None,
    *,
    vehicle: str | None = None,
    window_days: int | None = None,
    as_of: _Instant | None = None,
    exclude_incomplete: bool | None = None,
    by: _Keys = None,
    timestamps: _Column | None = None,
    time: str | None = None,
    period: str | None = None,
    tz: str | None = None,
) -> KpiTable:
    """Diagnosis accuracy (with `operations`) or visits per resolution
    (without) over repair-order rows. See `nps.kpi.diagnosis_accuracy` and
    `nps.kpi.visits_per_resolution`. Options not given take nps-core's
    `ComebackOptions::default()`.
    """
def _kpi_job_outcomes(
    vehicles: Any,
    complaints: _Named = None,
    opened: _Named = None,
    closed: _Named = None,
    *,
    vehicle: str | None = None,
    window_days: int | None = None,
    as_of: _Instant | None = None,
) -> list[str]:
    """The verdict per job: "fixed", "came_back" or "incomplete"."""
def _kpi_repeat_complaint(
    subjects: Any,
    raised: _Named = None,
    closed: _Named = None,
    *,
    subject: str | None = None,
    window_days: int | None = None,
    as_of: _Instant | None = None,
    by: _Keys = None,
    timestamps: _Column | None = None,
    time: str | None = None,
    period: str | None = None,
    tz: str | None = None,
) -> KpiTable:
    """Repeat-complaint rate. See `nps.kpi.repeat_complaint_rate`."""
def _column_numbers(column: Any, name: str) -> Any:
    """A numeric column as a numpy array, adapted as every native function
    adapts its columns (for `nps.kpi`, which converts flags before the call).
    """
def _kpi_bay_utilization(
    occupied_hours: Any,
    *,
    repair_bays: int,
    calendar: Calendar,
    start: _Instant,
    end: _Instant,
    repair_bay: _Named = None,
    occupied: str | None = None,
) -> Kpi:
    """Bay utilization. See `nps.kpi.bay_utilization`."""
def _kpi_technician(
    worked_hours: Any,
    available_hours: Any,
    *,
    srt_hours: _Named = None,
    operations: _Named = None,
    catalog: SrtCatalog | None = None,
    technicians: _Named = None,
    available_technicians: _Named = None,
    worked: str | None = None,
    available: str | None = None,
) -> list[tuple[Any, Kpi, Kpi, Kpi]]:
    """Technician efficiency / productivity / proficiency, overall
    (`technicians` None) or per technician. In the DataFrame form
    `available_hours` is a number or an attendance DataFrame whose columns
    `available=` and `technicians=` (the same name as in the jobs) name.
    """
def _kpi_labour_rate(
    sales_minor: Any,
    hours_sold: _Named = None,
    pay_types: _Named = None,
    *,
    sales: str | None = None,
) -> tuple[Kpi, list[tuple[str, Kpi]]]:
    """Effective labour rate overall and per pay type."""
def _kpi_hours_per_ro(
    worked_hours: Any,
    *,
    srt_hours: _Named = None,
    operations: _Named = None,
    catalog: SrtCatalog | None = None,
    basis: str = "srt",
    worked: str | None = None,
) -> Kpi:
    """Hours per repair order (basis "srt" or "worked")."""
def _kpi_time(
    target_seconds: int | None = None,
    first: Any = None,
    *,
    data: Any = None,
    measure: str | None = None,
    policy: Policy | None = None,
    start: _Named = None,
    end: _Named = None,
    seconds: _Named = None,
    by: _Keys = None,
    timestamps: _Column | None = None,
    time: str | None = None,
    period: str | None = None,
    tz: str | None = None,
) -> TimeTable:
    """A time KPI from `start`/`end` timestamps or from `seconds` durations
    (columns, or with a DataFrame `data` — or `first` — their names;
    `first` not a DataFrame is the start column). Without
    `target_seconds` the target is the policy benchmark of the named time
    KPI `measure` (nps-core `TimeMeasure`; the default policy when `policy`
    is None); a policy without it is an `InvalidArgumentError`.
    """
def _kpi_rate(
    kpi: str | None = None,
    first: Any = None,
    *,
    flags: _Named = None,
    eligible: _Named = None,
    delivered: _Named = None,
    promised: _Named = None,
    service_end: _Named = None,
    follow_up: _Named = None,
    excluded: _Named = None,
    earliest_days: float | None = None,
    latest_days: float | None = None,
    ratings: _Named = None,
    satisfied_min: float | None = None,
    by: _Keys = None,
    timestamps: _Column | None = None,
    time: str | None = None,
    period: str | None = None,
    tz: str | None = None,
) -> KpiTable:
    """A rate KPI: `kpi` None is the generic rate (`flags` over `eligible`
    rows); otherwise a named rate KPI of nps-core's `RateKpi` registry
    (`appointment_fulfillment_rate`, `pre_service_inspection_rate`,
    `repeat_visit_rate`, `first_contact_resolution_rate` from `flags` /
    `eligible`; `ready_when_promised` from `delivered`, `promised`;
    `follow_up_completion_rate` from `service_end`, `follow_up`, `excluded`,
    `earliest_days`, `latest_days`; `csat` from `ratings`, `satisfied_min`).
    Options not given take nps-core's `FollowUpOptions` / `CsatOptions`
    defaults.
    `first`: the KPI's first column (flags, delivered, service_end or
    ratings), or a DataFrame whose columns the other arguments name (its
    first column then by its keyword; errors name the public keyword:
    `flag`, `delivery`, `end`, `rating`).
    """
def _kpi_revenue_per_engineer(
    revenue_minor: Any, engineers: int, *, revenue: str | None = None
) -> Kpi:
    """Service revenue per engineer (minor units per engineer)."""
def _kpi_scorecard(
    results: list[tuple[str, Any]], policy: Policy | None = None
) -> list[
    tuple[str, float | None, float | None, float | None, str, str | None, float | None]
]:
    """Each `(name, result)` against the policy's benchmarks, judged by
    nps-core's `scorecard_of`: `(kpi, value, min, max, status, unit,
    standard_minutes)`; `min` / `max` are the bounds judged (a time
    benchmark: the required share of visits within `standard_minutes`).
    """
def _kpi_time_target(name: str, policy: Policy | None = None) -> int:
    """The target seconds of the named time KPI (`reception_response_time`,
    `delivery_time`) from the policy's benchmark (nps-core
    `TimeMeasure::target_seconds`; an `InvalidArgumentError` without one).
    """

_StageName: TypeAlias = Literal[
    "appointment", "reception", "diagnosis", "repair", "delivery", "follow_up"
]

@final
class HeatTable:
    """A table of heat-map results: `to_dict()` (column name → list),
    `to_pandas()`, `to_polars()`; `len(table)` rows. Tables pickle.

    >>> h = nps.HeatMap.from_rows(["reception", "repair"], ["long wait", "not fixed"], [4, 2], [5, 9])
    >>> t = h.ranked()
    >>> t.kind, t.to_dict()["heat"]
    ('ranked', [20, 18])
    """

    @property
    def kind(self) -> Literal["ranked", "by_stage", "pareto", "matrix", "drivers"]:
        """What the table holds: "ranked", "by_stage", "pareto", "matrix" or "drivers"."""
    def to_dict(self) -> dict[str, list[Any]]:
        """The columns as a dict of lists (a fresh copy). Shares and pain
        indexes without data are None.
        """
    def to_pandas(self) -> Any:
        """The table as a pandas DataFrame (nullable dtypes: no data is <NA>;
        a matrix's integer keys as integers, a categorical key as a
        ``Categorical`` with the input's categories and order, its ``period``
        as datetime64).
        """
    def to_polars(self) -> Any:
        """The table as a polars DataFrame (no data is null; a categorical key
        is a polars ``Enum`` of its categories).
        """
    def to_arrow(self) -> Any:
        """The table as a pyarrow Table (no data is null; a matrix's ``period``
        as date32, a categorical key as a dictionary of its categories, ordered
        as the input).

        >>> h = nps.HeatMap.from_rows(["reception", "repair"], ["long wait", "not fixed"], [4, 2], [5, 9])
        >>> h.ranked().to_arrow().column("heat").to_pylist()
        [20, 18]
        """
    @property
    def _types(self) -> dict[str, str]:
        """The types of the columns that are neither counts, shares nor text
        (a matrix's key columns and its `period`): name → "u64", "i64",
        "str", "date" or "cat" (a categorical key, see `_categories`).
        """
    @property
    def _categories(self) -> dict[str, tuple[list[str], bool]]:
        """The categorical key columns of a matrix (grouped by a pandas
        Categorical, polars Enum or Arrow dictionary): name → `(labels,
        ordered)`, the input's categories in their order.
        """
    def __len__(self) -> int: ...

@final
class HeatMap:
    """A customer-journey pain-point heat map (SPEC §5): heat = mentions × pain
    index (1–10). Build it with `HeatMap.from_rows` (pre-counted) or
    `HeatMap.from_records` (one complaint per row). Stages are the strings
    "appointment", "reception", "diagnosis", "repair", "delivery",
    "follow_up". Rows with the same stage and description merge (mentions
    and heat add up; the pain index is the mention-weighted mean).

    A map is a partial result: `a.merge(b)` (or `a + b`, or
    `sum([a, b, ...])`) is the map of the rows of `a` followed by those of
    `b`, exactly (points, ranking and matrices); maps pickle (Dask,
    multiprocessing).

    >>> h = nps.HeatMap.from_rows(["reception", "repair"], ["long wait", "not fixed"], [4, 2], [5, 9])
    >>> h.total_heat  # 4 * 5 + 2 * 9
    38
    >>> (h + nps.HeatMap.from_rows(["repair"], ["not fixed"], [1], [9])).total_heat
    47
    """

    @staticmethod
    def from_rows(
        stages: Any,
        points: _Named = None,
        mentions: _Named = None,
        pain: _Named = None,
        *,
        stage: str | None = None,
    ) -> HeatMap:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    @staticmethod
    def from_records(
        stages: Any,
        points: _Named = None,
        pain: _Named = None,
        *,
        by: _Keys = None,
        at: _Column | None = None,
        period: _PeriodName | None = None,
        tz: str | None = None,
        stage: str | None = None,
        time: str | None = None,
    ) -> HeatMap:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def merge(self, other: HeatMap) -> HeatMap:
        """The map of the rows of this map followed by those of `other`: equal
        to the map built in one pass over all of them (points, ranking,
        stage totals, matrices). Raises InvalidArgumentError (argument
        `other`) when the maps have different matrices (one built with keys
        or timestamps and the other not, keys of another type, another
        period or time zone, other categories of a categorical key).

        >>> a = nps.HeatMap.from_records(["repair"], ["not fixed"], [9], by=["D1"])
        >>> b = nps.HeatMap.from_records(["repair", "delivery"], ["not fixed", "slow"], [7, 3], by=["D2", "D1"])
        >>> m = a.merge(b)
        >>> m.ranked().to_dict()["heat"], m.matrix(by="key").to_dict()["column"][:2]
        ([16, 3], ['D1', 'D2'])
        """
    def __add__(self, other: HeatMap, /) -> HeatMap:
        """`a + b` is `a.merge(b)`."""
    def __radd__(self, other: int, /) -> HeatMap:
        """`0 + a` is `a` (so `sum(maps)` works)."""
    @property
    def total_heat(self) -> int:
        """Total heat."""
    def __len__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def ranked(self) -> HeatTable:
        """Pain points ranked by heat (ties: journey order, then description):
        rank, stage, point, mentions, pain, heat, share, cumulative_share.
        """
    def by_stage(self) -> HeatTable:
        """Totals of the six stages in journey order: stage, points, mentions,
        pain, heat, share, top_point, top_heat.
        """
    def pareto(self, share: float = 0.8) -> HeatTable:
        """The smallest prefix of the ranking carrying at least `share` of the
        heat (exact: 0.8 means 8/10). Same columns as `ranked()`.
        """
    def matrix(self, by: Literal["key", "period"] = "key") -> HeatTable:
        """The stage × key (`by="key"`) or stage × period (`by="period"`) matrix
        of a map built from records with `by=` / `at=`: one row per stage and
        column label, long form: stage, column (the label), the key columns
        (named after the columns grouped by when known, else `key` or
        `key_0`, `key_1`, …) or `period` (the local first day, a date),
        mentions, heat.
        """
    def drivers(
        self,
        policy: Policy | None = None,
        mapping: Mapping[_StageName, str] | None = None,
        rules: list[dict[str, Any]] | None = None,
    ) -> HeatTable:
        """The NPS driver view: the policy's drivers (default policy if None)
        with weight and the heat and share of the pain points assigned to
        each by the policy's `pain_point_drivers` rules (by exact pain
        point, then keyword, then journey stage; the defaults follow the
        source's table: waiting, repair quality, the advisor's attitude,
        price transparency, resolution efficiency). `rules` (a list of
        dicts with `driver` and any of `points`, `keywords`, `stages`)
        replaces the policy's rules; `mapping` (stage → driver) replaces
        them by stages only. Heat no rule assigns is the `unmapped` row.
        Columns: `driver`, `weight`, `stages` (comma-separated), `points`
        (the pain points, hottest first, joined by `" | "`), `heat`,
        `share`.

        >>> h = nps.HeatMap.from_rows(["reception", "repair"], ["no advisor greets us", "not fixed"],
        ...                           [3, 2], [6, 9])
        >>> d = h.drivers().to_dict()
        >>> [(k, v) for k, v in zip(d["driver"], d["heat"]) if v]
        [('repair_quality', 18), ('advisor_attitude', 18)]
        >>> h.drivers(rules=[{"driver": "waiting_time", "stages": ["reception"]}]).to_dict()["driver"]
        ['waiting_time', 'repair_quality', 'advisor_attitude', 'price_transparency', 'resolution_efficiency', 'unmapped']
        """
    def plot(self, by: Literal["key", "period"] | None = None, ax: Any | None = None) -> Any:
        """Draws the map with matplotlib: ``nps.plot.heatmap(self, ax, by=by)``
        (the journey view, or the stage × `by` matrix for `by="key"` /
        `"period"`). Returns the matplotlib Axes.

        >>> h = nps.HeatMap.from_rows(["reception"], ["long wait"], [4], [5])
        >>> [t.get_text() for t in h.plot().texts if t.get_gid() == "value"]
        ['heat 20']
        """

@final
class Queue:
    """An M/M/c queue (Erlang C). Times are in the unit of the inputs.

    >>> q = nps.erlang_c(arrival_rate=10.0, service_time=0.25, servers=4)
    >>> q.stable, q.utilization  # 10 * 0.25 / 4
    (True, 0.625)
    """

    @property
    def stable(self) -> bool:
        """False when the utilization is ≥ 1 (the queue grows without bound);
        the waits and probabilities are then None.
        """
    @property
    def status(self) -> Literal["stable", "unstable"]:
        """"stable" or "unstable"."""
    @property
    def servers(self) -> int:
        """Number of servers c."""
    @property
    def offered_load(self) -> float:
        """Offered load A = arrival_rate × service_time (erlangs)."""
    @property
    def utilization(self) -> float:
        """Utilization A / c."""
    @property
    def prob_wait(self) -> float | None:
        """Probability of waiting (Erlang C); None when unstable."""
    @property
    def mean_wait(self) -> float | None:
        """Mean wait in the queue; None when unstable."""
    @property
    def mean_response(self) -> float | None:
        """Mean wait plus service; None when unstable."""
    @property
    def target_wait(self) -> float | None:
        """The target wait given, or None."""
    @property
    def within_target(self) -> float | None:
        """Share of arrivals waiting at most `target_wait`; None without a
        target or when unstable.
        """

def erlang_c(
    *, arrival_rate: float, service_time: float, servers: int, target_wait: float | None = None
) -> Queue:
    """The M/M/c queue (Erlang C): `arrival_rate` arrivals per unit of time,
    mean `service_time` in the same unit, `servers` ≥ 1; `target_wait` (same
    unit) adds `within_target`. Utilization ≥ 1 gives an unstable Queue (no
    exception). InvalidArgumentError for non-positive or non-finite inputs.

    >>> q = nps.erlang_c(arrival_rate=10.0, service_time=0.25, servers=4)
    >>> q.servers, round(q.prob_wait, 4)
    (4, 0.3199)
    """
def servers_needed(
    *,
    arrival_rate: float,
    service_time: float,
    target_wait: float,
    target_share: float,
    max_mean_wait: float | None = None,
) -> Queue:
    """The smallest number of servers with which at least `target_share`
    (0 < share < 1) of arrivals wait at most `target_wait` (and the mean wait
    is at most `max_mean_wait`, if given). Returns the Queue with that
    staffing (`.servers` is the answer). Units as `erlang_c`.

    >>> # 3 servers: 1 - 0.702 * exp(-(12 - 10) * 0.1) = 43 % wait <= 0.1;
    >>> # 4 servers: 1 - 0.320 * exp(-(16 - 10) * 0.1) = 82 % >= 80 %
    >>> nps.servers_needed(arrival_rate=10.0, service_time=0.25, target_wait=0.1, target_share=0.8).servers
    4
    """

# ---- econ (service economics: nps.econ) ----

@final
class EconTable:
    """A table of `nps.econ` (a ledger, a quadrant table, lifecycle curves or
    their summary): `to_pandas()`, `to_polars()`, `to_arrow()` and
    `to_dict()` give it; `kind` says which. Tables pickle (Dask,
    multiprocessing); ledgers are partial results: `a.merge(b)` (or
    `a + b`, or `sum([a, b, ...])`) is the ledger of the lines of `a`
    followed by those of `b`, exactly.

    >>> t = nps.econ.quadrants(None, unit=["d1"], measures={"nps": [40.0], "margin": [-0.3]})
    >>> t.kind, len(t), t.to_dict()["quadrant"]
    ('quadrants', 1, ['value_island'])
    >>> a = nps.econ.ledger(None, unit=["west"], category=["parts"], amount_minor=[800])
    >>> b = nps.econ.ledger(None, unit=["west", "east"], category=["service_delivery", "parts"],
    ...                     amount_minor=[1500, 100])
    >>> (a + b).to_dict()["profit_minor"]
    [100, -700]
    """
    @property
    def kind(self) -> str:
        """`"ledger"`, `"quadrants"`, `"lifecycle_cost"` or
        `"lifecycle_summary"`.
        """
    @property
    def summary(self) -> EconTable | None:
        """For lifecycle curves: one row per product line (units, oldest age,
        mean manufacturing cost, the cost at each horizon and its share of
        the manufacturing cost); None for other tables.
        """
    @property
    def columns(self) -> list[str]:
        """The column names, in order."""
    def __len__(self) -> int: ...
    def _table(self) -> _TableColumns:
        """The table as columns for `nps/_table.py`."""
    def to_dict(self) -> dict[str, list[Any]]:
        """The table as a dict of equal-length lists; no data is None."""
    def to_pandas(self) -> Any:
        """The table as a pandas DataFrame; no data is <NA>, never NaN."""
    def to_polars(self) -> Any:
        """The table as a polars DataFrame; no data is null."""
    def to_arrow(self) -> Any:
        """The table as a ``pyarrow.Table`` (typed nullable columns; key columns, ``period`` as a date, values)."""
    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any: ...
    def __arrow_c_schema__(self) -> Any: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def merge(self, other: EconTable) -> EconTable:
        """The ledger of the lines of this ledger followed by those of `other`:
        equal to the ledger computed in one pass over all of them (the
        totals of a unit and period add up). Raises InvalidArgumentError
        (argument `other`) for a table that is not a ledger, or a ledger in
        another currency, with other categories, target mix, period, time
        zone or type of key column, or whose engineers for the same unit
        and period disagree.

        >>> q1 = nps.econ.ledger(None, unit=["west"], category=["parts"], amount_minor=[500])
        >>> q2 = nps.econ.ledger(None, unit=["west"], category=["parts"], amount_minor=[300])
        >>> q1.merge(q2).to_dict()["revenue_minor"]
        [800]
        """
    def __add__(self, other: EconTable, /) -> EconTable:
        """"""
    def __radd__(self, other: int, /) -> EconTable:
        """"""
    def __reduce__(self) -> tuple[Any, ...]: ...
    @staticmethod
    def _from_state(state: bytes) -> EconTable:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """

@final
class Placement:
    """The result of `nps.econ.quadrant`: the quadrant of a point and the
    source article's text for it.

    >>> q = nps.econ.quadrant(customer_value=0.62, business_value=0.30)
    >>> q.quadrant, q.label_zh
    ('value_island', '价值孤岛')
    >>> q.action.startswith("Launch service productization")
    True
    """
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def quadrant(self) -> str:
        """The quadrant's name: `growth_engine`, `value_island`, `cost_ruin`
        or `profit_extractor`.
        """
    @property
    def customer_value(self) -> float:
        """The customer value of the point."""
    @property
    def business_value(self) -> float:
        """The business value of the point."""
    @property
    def label_zh(self) -> str:
        """The quadrant's name in the source (增长引擎, ...)."""
    @property
    def challenge(self) -> str:
        """The challenge of a service organisation in this quadrant."""
    @property
    def action(self) -> str:
        """What it should do."""
    @property
    def challenge_zh(self) -> str:
        """The challenge in the source's words."""
    @property
    def action_zh(self) -> str:
        """The action in the source's words."""

def _econ_ledger(
    data: Any,
    *,
    unit: Any = None,
    category: Any = None,
    amount_minor: Any = None,
    currency: str | None = None,
    currencies: Any = None,
    rates: list[tuple[str, str, str]] | None = None,
    target_mix: list[tuple[str, float]] | None = None,
    categories: list[tuple[str, str]] | None = None,
    engineers: Any = None,
    period: str | None = None,
    time: Any = None,
    timestamps: Any = None,
    tz: str | None = None,
) -> EconTable:
    """The service ledger. See `nps.econ.ledger`."""
def _econ_categories() -> list[tuple[str, str, str]]:
    """The default ledger categories of nps-core (`econ::default_categories`):
    `(name, side, description)`.
    """
def _econ_quadrant(
    customer_value: float,
    business_value: float,
    *,
    customer_threshold: float | None = None,
    business_threshold: float | None = None,
) -> Placement:
    """The quadrant of one point. See `nps.econ.quadrant`."""
def _econ_known_measures() -> list[tuple[str, str, float, float, float]]:
    """The known measures as `(name, axis, weight, low, high)`."""
def _econ_texts() -> list[tuple[str, str, str, str, str, str]]:
    """The quadrants' texts as `(quadrant, label_zh, challenge, action,
    challenge_zh, action_zh)`.
    """
def _econ_quadrants(
    data: Any,
    measures: dict[str, tuple[Any, str | None, float | None, float | None, float | None]],
    *,
    unit: Any = None,
    period: str | None = None,
    time: Any = None,
    timestamps: Any = None,
    tz: str | None = None,
    customer_threshold: float | None = None,
    business_threshold: float | None = None,
) -> EconTable:
    """The matrix per unit and period. `measures` maps each measure's name to
    `(column, axis, weight, low, high)` (axis None: the known measure's
    spec). See `nps.econ.quadrants`.
    """
def _econ_lifecycle_cost(
    units: Any,
    events: Any,
    *,
    unit: Any = None,
    product_line: Any = None,
    sold: Any = None,
    manufacturing_cost_minor: Any = None,
    event_unit: Any = None,
    at: Any = None,
    amount_minor: Any = None,
    currencies: Any = None,
    as_of: Any = None,
    horizons_months: list[int] | None = None,
    confidence: float | None = None,
    tz: str | None = None,
    currency: str | None = None,
    rates: list[tuple[str, str, str]] | None = None,
) -> EconTable:
    """The lifecycle service cost. See `nps.econ.lifecycle_cost`."""

# ---- loyalty (customer value and loyalty: nps.loyalty) ----

@final
class OutcomeTable:
    """Outcomes by score band: counts per group and band, and the table of
    rates, intervals, lifts and tests derived from them (`to_pandas()`,
    `to_polars()`, `to_arrow()`, `to_dict()`). Tables of the same bands
    merge exactly (`a.merge(b)`, `a + b`) and pickle.

    >>> t = nps.loyalty.outcome_by_score([9, 10, 3, 5], [True, True, False, True])
    >>> t.to_dict()["band"], t.to_dict()["outcomes"]
    (['detractor', 'passive', 'promoter'], [1, 0, 2])
    """
    @property
    def columns(self) -> list[str]:
        """The column names, in order."""
    @property
    def bands(self) -> list[tuple[str, int, int]]:
        """The band names, by increasing score."""
    @property
    def reference(self) -> str:
        """The reference band's name."""
    @property
    def used(self) -> int:
        """Respondents used (windows ended), over every group and band."""
    @property
    def censored(self) -> int:
        """Respondents censored (windows still open at `as_of`)."""
    def __len__(self) -> int: ...
    def _table(self) -> _TableColumns:
        """The table as columns for `nps/_table.py`."""
    def merge(self, other: OutcomeTable) -> OutcomeTable:
        """The table of the respondents of both (same bands, reference,
        confidence and period).

        >>> a = nps.loyalty.outcome_by_score([9, 3], [True, False])
        >>> b = nps.loyalty.outcome_by_score([10], [False])
        >>> (a + b).to_dict()["n"]
        [1, 0, 2]
        """
    def __add__(self, other: OutcomeTable, /) -> OutcomeTable:
        """`a + b` is `a.merge(b)`."""
    def __radd__(self, other: Any, /) -> OutcomeTable:
        """`0 + a` is `a` (so `sum(tables)` works)."""
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, ...]: ...
    @staticmethod
    def _from_state(state: bytes) -> OutcomeTable:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def to_dict(self) -> dict[str, list[Any]]:
        """The table as a dict of equal-length lists; no data is None."""
    def to_pandas(self) -> Any:
        """The table as a pandas DataFrame; no data is <NA>, never NaN."""
    def to_polars(self) -> Any:
        """The table as a polars DataFrame; no data is null."""
    def to_arrow(self) -> Any:
        """The table as a ``pyarrow.Table`` (typed nullable columns; key columns, ``period`` as a date, values)."""
    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any: ...
    def __arrow_c_schema__(self) -> Any: ...

@final
class CustomerValue:
    """A customer's value (`nps.loyalty.customer_value`): own spend over the
    remaining years plus referrals, in integer minor units.

    >>> v = nps.loyalty.customer_value(38_000_00, referrals=2, referral_value_minor=221_000_00)
    >>> v.total_minor, v.currency
    (48000000, 'CNY')
    """
    @property
    def own_minor(self) -> int:
        """annual spend × margin × annuity factor, minor units."""
    @property
    def referral_minor(self) -> int:
        """referrals × value per referral, minor units."""
    @property
    def total_minor(self) -> int:
        """own + referral, minor units."""
    @property
    def currency(self) -> str:
        """The ISO 4217 code of the amounts."""
    @property
    def annuity_factor(self) -> float:
        """The annuity factor used."""
    def __eq__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, ...]: ...
    @staticmethod
    def _from_state(state: bytes) -> CustomerValue:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """

def _loyalty_outcome_by_score(
    data: Any,
    scores: Any,
    outcome: Any,
    *,
    bands: list[tuple[str, int, int]] | None = None,
    reference: str | None = None,
    as_of: Any = None,
    observed_until: Any = None,
    by: Any = None,
    period: str | None = None,
    time: Any = None,
    timestamps: Any = None,
    tz: str | None = None,
    confidence: float | None = None,
) -> OutcomeTable:
    """Outcomes by score band. See `nps.loyalty.outcome_by_score`."""
def _loyalty_category_bands() -> list[tuple[str, int, int]]:
    """The default bands: `[(name, low, high), ...]` of the categories."""
def _loyalty_customer_value(
    annual_spend_minor: int,
    *,
    margin: float | None = None,
    years: float | None = None,
    discount_rate: float | None = None,
    referrals: float | None = None,
    referral_value_minor: int | None = None,
    currency: str | None = None,
) -> CustomerValue:
    """One customer's value. See `nps.loyalty.customer_value`."""
def _loyalty_customer_values(
    annual_spend_minor: Any,
    *,
    referrals: Any = None,
    years: Any = None,
    margin: float | None = None,
    default_years: float | None = None,
    discount_rate: float | None = None,
    referral_value_minor: int | None = None,
    currency: str | None = None,
) -> tuple[Any, Any, Any]:
    """Values of many customers: `(own_minor, referral_minor, total_minor)`
    as int64 arrays. See `nps.loyalty.customer_values`.
    """
def _loyalty_high_value(
    annual_kwh: Any = None,
    annual_spend_minor: Any = None,
    *,
    rule: str | None = None,
) -> Any:
    """The high-value rule per row. See `nps.loyalty.high_value`."""
def _loyalty_high_value_default() -> str:
    """The default high-value rule as JSON."""
def _loyalty_value_defaults() -> tuple[float, float, float, int, str]:
    """The default value parameters as `(margin, years, discount_rate,
    referral_value_minor, currency)`.
    """

# ---- nps.flow (repair-order timelines) ----

@final
class Distribution:
    """A distribution: `n` values, their `mean`, `median` and `p90` (Hyndman &
    Fan type 7 quantiles; None without values).

    >>> d = nps.flow.Distribution(3, 2.0, 2.0, 2.8)
    >>> d.n, d.median
    (3, 2.0)
    """
    def __new__(
        cls, n: int, mean: float | None, median: float | None, p90: float | None
    ) -> Distribution: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def n(self) -> int:
        """Number of values."""
    @property
    def mean(self) -> float | None:
        """Mean (None without values)."""
    @property
    def median(self) -> float | None:
        """Median (type 7)."""
    @property
    def p90(self) -> float | None:
        """90th percentile (type 7)."""
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class FlowReport:
    """The result of `nps.flow.stages`, `nps.flow.promises` or
    `nps.flow.silence` (`kind` says which): a table (`to_pandas()`,
    `to_polars()`, `to_arrow()`, `to_dict()`; one row per group × stage for
    stages, one per group otherwise) and the overall figures as attributes.
    Reports of parts of the rows partitioned by repair order merge exactly
    (`a + b`, `sum(reports)`, `merge`); a report pickles.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"ro": ["a", "a"], "milestone": ["arrived", "greeted"], "at": [0, 900]})
    >>> r = nps.flow.stages(df)
    >>> r.kind, r.to_dict()["stage"][0], r.to_dict()["within_target"][0]
    ('stages', 'reception', 0.0)
    """
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def kind(self) -> str:
        """`"stages"`, `"promises"` or `"silence"`."""
    @property
    def columns(self) -> list[str]:
        """The column names of the table, in order."""
    def __len__(self) -> int: ...
    def _table(self, which: str = "main") -> _TableColumns:
        """A table as columns for `nps/_table.py`: `which` is `"main"`,
        `"groups"` (stages: per group lead time, process-cycle efficiency,
        bottleneck) or `"anomalies"` (`ro`, `milestone`, `kind`).
        """
    @property
    def lead_time(self) -> Distribution:
        """Stages: all repair orders' lead time (arrived → left), seconds."""
    @property
    def process_cycle_efficiency(self) -> float | None:
        """Stages: value-added time over lead time, all repair orders (None
        without a lead time).
        """
    @property
    def bottleneck(self) -> str | None:
        """Stages: the stage with the largest share of lead time, all repair
        orders.
        """
    @property
    def repair_orders(self) -> int:
        """Stages: the number of repair orders."""
    @property
    def n(self) -> int:
        """Promises and silence: repair orders measured (all of them)."""
    @property
    def missing(self) -> int:
        """Promises and silence: repair orders without what they need."""
    @property
    def on_time(self) -> float | None:
        """Promises: share finished at or before the promise."""
    @property
    def overrun_s(self) -> Distribution:
        """Promises: overrun in seconds (0 when on time)."""
    @property
    def overrun_relative(self) -> Distribution:
        """Promises: overrun over the promised duration (promised − arrived):
        promised 2 h, took 4 h → 1.0 (+100 %).
        """
    @property
    def longest_gap_s(self) -> Distribution:
        """Silence: the longest gap between contact points per repair order,
        seconds.
        """
    @property
    def above_threshold(self) -> float | None:
        """Silence: share of repair orders with a gap above the threshold."""
    @property
    def told_ahead(self) -> float | None:
        """Silence: share told at least the lead before repair_finished."""
    @property
    def business_time(self) -> bool:
        """True when durations are business time (a calendar was given)."""
    @property
    def anomalies(self) -> dict[str, int]:
        """Anomaly counts: `missing`, `repeated`, `out_of_order`,
        `skipped_ros`.
        """
    @property
    def anomaly_list(self) -> list[tuple[Any, str, str]]:
        """Every anomaly as `(ro, milestone, kind)`."""
    def merge(self, other: FlowReport) -> FlowReport:
        """The report of the rows of this report followed by those of
        `other` (a report of the same kind): equal to the report computed in
        one pass over all of them, mean, median and p90 included (each
        report keeps the histograms of its durations). Associative. A
        repair order is judged on its whole timeline, so reports merge only
        when the input was partitioned by repair order: a repair order in
        both reports raises InvalidArgumentError (argument `other`) naming
        it, as does a report of another kind or computed with other options,
        period, time zone or type of key column.

        >>> import pandas as pd
        >>> a = nps.flow.stages(pd.DataFrame({"ro": ["a", "a"], "milestone": ["arrived", "left"], "at": [0, 600]}))
        >>> b = nps.flow.stages(pd.DataFrame({"ro": ["b", "b"], "milestone": ["arrived", "left"], "at": [0, 1800]}))
        >>> (a + b).lead_time.median
        1200.0
        """
    def __add__(self, other: FlowReport, /) -> FlowReport:
        """`a + b` is `a.merge(b)`."""
    def __radd__(self, other: int, /) -> FlowReport:
        """`0 + a` is `a` (so `sum(reports)` works)."""
    def __reduce__(self) -> tuple[Any, ...]: ...
    @staticmethod
    def _from_state(state: bytes) -> FlowReport:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def groups(self, to: str = "pandas") -> Any:
        """Stages: one row per group with ``repair_orders``, ``lead_time_n``,
        ``lead_time_missing``, ``lead_time_mean_s``, ``lead_time_median_s``,
        ``lead_time_p90_s``, ``process_cycle_efficiency`` and ``bottleneck``;
        ``to`` is ``"pandas"`` (default), ``"polars"``, ``"arrow"`` or ``"dict"``.
        """
    def anomaly_table(self, to: str = "pandas") -> Any:
        """One row per anomaly: ``ro``, ``milestone``, ``kind`` (``missing``,
        ``repeated``, ``out_of_order``); ``to`` as :meth:`groups`.
        """
    def to_dict(self) -> dict[str, list[Any]]:
        """The table as a dict of equal-length lists; no data is None."""
    def to_pandas(self) -> Any:
        """The table as a pandas DataFrame; no data is <NA>, never NaN."""
    def to_polars(self) -> Any:
        """The table as a polars DataFrame; no data is null."""
    def to_arrow(self) -> Any:
        """The table as a ``pyarrow.Table`` (typed nullable columns; key columns, ``period`` as a date, values)."""
    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any: ...
    def __arrow_c_schema__(self) -> Any: ...

def _flow(
    kind: str,
    data: Any,
    ro: Any = None,
    milestone: Any = None,
    at: Any = None,
    *,
    by: Any = None,
    period: str | None = None,
    tz: str | None = None,
    calendar: Calendar | None = None,
    milestones: Any = None,
    stages: Any = None,
    on_anomaly: str | None = None,
    promise_end: str | None = None,
    silence_threshold: Any = None,
    update_lead: Any = None,
) -> FlowReport:
    """`nps.flow.stages` / `promises` / `silence` (`kind`) of a milestone
    table (see `nps/flow.py`).
    """
def _flow_defaults() -> tuple[
    list[tuple[str, bool, bool]],
    list[tuple[str, str, str, int | None, bool]],
    tuple[str, str],
]:
    """The default vocabulary, stages and lead time as plain data (for
    `nps.flow.DEFAULT_STAGES` and the docs): `(milestones, stages,
    lead_time)`.
    """

# ---- staffing (staffing by the hour, capacity gain) ----

@final
class StaffingTable:
    """A staffing profile: one row per weekday × interval with open time
    (`nps.staffing`). `to_pandas()`, `to_polars()`, `to_arrow()` and
    `to_dict()` give the table; it pickles.

    >>> t = nps.staffing([1_748_854_800, 1_748_855_400], service_time=900)  # Monday 09:00, 09:10 UTC
    >>> row = t.to_dict()
    >>> row["weekday"][9], row["hour"][9], row["arrival_rate"][9], row["servers"][9]
    ('mon', 9, 2.0, 2)
    >>> t.days, t.outside_hours
    (1, 0)
    """
    @property
    def columns(self) -> list[str]:
        """The column names, in order."""
    @property
    def days(self) -> int:
        """Number of local dates in the history span."""
    @property
    def first_date(self) -> datetime.date:
        """The first local date of the history span."""
    @property
    def outside_hours(self) -> int:
        """Arrivals left out because the calendar was closed."""
    @property
    def interval_s(self) -> int:
        """The interval length in seconds."""
    @property
    def service_time_s(self) -> float:
        """The mean service time in seconds."""
    @property
    def target_wait_s(self) -> float:
        """The waiting target in seconds."""
    @property
    def target_share(self) -> float:
        """The share of arrivals that must wait at most the target."""
    @property
    def tz(self) -> str | None:
        """The zone of the weekdays and times of day."""
    def __len__(self) -> int: ...
    def _table(self) -> _TableColumns:
        """The table as columns for `nps/_table.py`."""
    def __reduce__(self) -> tuple[Any, ...]: ...
    @staticmethod
    def _from_state(state: bytes) -> StaffingTable:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def to_dict(self) -> dict[str, list[Any]]:
        """The staffing profile as a dict of equal-length lists; no data is None."""
    def to_pandas(self) -> Any:
        """The staffing profile as a pandas DataFrame; no data is <NA>, never NaN."""
    def to_polars(self) -> Any:
        """The staffing profile as a polars DataFrame; no data is null."""
    def to_arrow(self) -> Any:
        """The staffing profile as a ``pyarrow.Table`` (typed nullable columns; key columns, ``period`` as a date, values)."""
    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any: ...
    def __arrow_c_schema__(self) -> Any: ...

def staffing(
    arrivals: Any,
    *,
    service_time: datetime.timedelta | float | None = None,
    target_wait: datetime.timedelta | float | None = None,
    target_share: float | None = None,
    interval: str | datetime.timedelta | int | None = None,
    tz: str | None = None,
    calendar: Calendar | None = None,
    roster: int | Mapping[tuple[str | int, int | str | datetime.timedelta], int] | None = None,
) -> StaffingTable:
    """Staffing by the hour: arrival rates per weekday × interval from a
    history of arrival instants, the Erlang C servers each interval needs
    for a waiting target, and with a `roster` the predicted waits.

    `arrivals` is a column of instants (aware datetimes, datetime64 /
    pandas / polars datetimes, or Unix seconds). The rate of a weekday ×
    interval is its arrivals ÷ the time that interval was open (per the
    `calendar`; always without one) over the local dates from the first
    arrival to the last: with whole intervals open, arrivals ÷ (number of
    such intervals × interval length). `service_time` and `target_wait`
    are `timedelta`s or seconds; `target_share` is in (0, 1); `interval`
    is `"hour"`, `"<n>min"`, a `timedelta` or seconds dividing the day;
    `tz` is the zone of weekdays and hours (default: the calendar's, else
    UTC). Every option left None takes the core default (900 s service, 90
    % waiting at most 180 s, by the hour).

    `roster` is an int (servers in every interval) or a dict
    `{(weekday, hour): servers}` (weekday `"mon"` … `"sun"` or 0 … 6; hour
    an int, `"HH:MM"` or a `timedelta`) with an entry for every interval
    with open time. Then `prob_wait`, `mean_wait_s`, `within_target` and
    `stable` are added; an interval whose load is at or above its roster is
    unstable and its waits are None, never a number.

    >>> import datetime as dt
    >>> mon9 = dt.datetime(2025, 6, 2, 9, tzinfo=dt.timezone.utc)
    >>> arrivals = [mon9 + dt.timedelta(minutes=6 * i) for i in range(10)]  # 10 an hour
    >>> t = nps.staffing(arrivals, service_time=dt.timedelta(minutes=15),
    ...                  target_wait=dt.timedelta(minutes=3), target_share=0.9,
    ...                  roster={("mon", h): 2 for h in range(24)})
    >>> d = t.to_dict()
    >>> d["arrival_rate"][9], d["servers"][9], d["stable"][9], d["prob_wait"][9]
    (10.0, 5, False, None)
    """

@final
class CapacityGain:
    """The capacity one advisor gains from a shorter service time
    (`nps.capacity_gain`).

    >>> g = nps.capacity_gain()
    >>> g.per_day, g.per_year, g.revenue
    (16.0, 4000.0, Money(320000000, 'CNY'))
    """
    @property
    def per_day(self) -> float:
        """Extra customers per day."""
    @property
    def per_year(self) -> float:
        """Extra customers per year."""
    @property
    def revenue(self) -> Money:
        """The extra revenue per year (`per_year × ticket`, rounded to the
        minor unit).
        """
    @property
    def revenue_minor(self) -> int:
        """`revenue` in minor units."""
    @property
    def currency(self) -> str:
        """The currency of `revenue`."""
    def __reduce__(self) -> tuple[Any, ...]: ...
    @staticmethod
    def _from_state(state: bytes) -> CapacityGain:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """

def capacity_gain(
    before_minutes: float | None = None,
    after_minutes: float | None = None,
    hours_per_day: float | None = None,
    share_of_time: float | None = None,
    days: float | None = None,
    ticket_minor: int | None = None,
    currency: str | None = None,
) -> CapacityGain:
    """The customers and revenue one advisor gains per day and per year when
    the service time drops from `before_minutes` to `after_minutes`: per
    day `hours_per_day × 60 × share_of_time × (1/after − 1/before)`, per
    year `× days`, revenue `× ticket_minor` in `currency` (integer money).
    Every argument left None takes the core default: the source's 15 → 10
    minutes, 8 hours, full share, 250 days, 800.00 CNY.

    >>> g = nps.capacity_gain(share_of_time=0.5)  # the source's "8 more a day"
    >>> g.per_day, g.per_year, g.revenue_minor
    (8.0, 2000.0, 160000000)
    """

# ---- estimate accuracy (nps.kpi.estimate_accuracy) ----

@final
class EstimateAccuracy:
    """Estimate accuracy (price transparency): the share of repair orders
    billed within tolerance of the quote (`value`, `numerator`,
    `denominator`, `coverage`), the overrun distributions and the
    unapproved increases; `table` and `unapproved_table` are the grouped
    KPI tables.

    A result is also a partial result: `a.merge(b)` (or `a + b`, `sum()`)
    is the result of the orders of both, as if computed in one pass (the
    overrun distributions included); results computed with another
    tolerance or currency do not merge. It pickles exactly, with the key
    names of its tables.

    >>> e = nps.kpi.estimate_accuracy([80_000, 20_000], [150_000, 20_000])  # 800 → 1500, 200 → 200
    >>> e.value, e.unapproved, e.unapproved_minor, e.overrun_relative.p90
    (0.5, 1, 70000, 0.7875)
    """
    @property
    def value(self) -> float | None:
        """Share of orders with a quote billed within tolerance; None without
        quotes.
        """
    @property
    def numerator(self) -> float:
        """Orders billed within tolerance."""
    @property
    def denominator(self) -> float:
        """Orders with a quote above 0."""
    @property
    def coverage(self) -> float | None:
        """Share of the orders that had a quote; None without orders."""
    @property
    def unapproved(self) -> int:
        """Orders billed more than the quote plus the approved additions."""
    @property
    def unapproved_share(self) -> float | None:
        """`unapproved` / orders with a quote; None without quotes."""
    @property
    def unapproved_minor(self) -> int:
        """Sum of the unapproved increases, in minor units."""
    @property
    def overrun_minor(self) -> Distribution:
        """final − quote in minor units, over orders with a quote (a
        `Distribution`: `n`, `mean`, `median`, `p90`).
        """
    @property
    def overrun_relative(self) -> Distribution:
        """(final − quote) / quote, over orders with a quote (a `Distribution`)."""
    @property
    def tolerance(self) -> float:
        """The tolerance used."""
    @property
    def currency(self) -> str:
        """The currency of the amounts."""
    @property
    def table(self) -> KpiTable:
        """The share within tolerance, overall and per group (a KpiTable)."""
    @property
    def unapproved_table(self) -> KpiTable:
        """The share with an unapproved increase, overall and per group."""
    def merge(self, other: EstimateAccuracy) -> EstimateAccuracy:
        """The result of the orders of this result followed by those of
        `other`: equal to the result computed in one pass over all of them
        (the tables' counts, the unapproved increases and the overrun
        distributions, median and p90 included). Raises InvalidArgumentError
        (argument `other`) for a result computed with another tolerance or
        currency, or grouped by another period, time zone or key columns.

        >>> a = nps.kpi.estimate_accuracy([80_000], [150_000])
        >>> b = nps.kpi.estimate_accuracy([20_000], [20_000])
        >>> m = a.merge(b)
        >>> m.value, m.overrun_relative.median
        (0.5, 0.4375)
        >>> m == nps.kpi.estimate_accuracy([80_000, 20_000], [150_000, 20_000])
        True
        """
    def __add__(self, other: EstimateAccuracy, /) -> EstimateAccuracy:
        """`a + b` is `a.merge(b)`."""
    def __radd__(self, other: int, /) -> EstimateAccuracy:
        """`0 + a` is `a` (so `sum(results)` works)."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __reduce__(self) -> tuple[Any, ...]: ...
    @staticmethod
    def _from_state(state: bytes) -> EstimateAccuracy:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """

def _kpi_estimate_accuracy(
    first: Any = None,
    final_minor: Any = None,
    *,
    quoted: Any = None,
    approved_minor: Any = None,
    tolerance: float | None = None,
    currency: str | None = None,
    currencies: Any = None,
    by: Any = None,
    timestamps: Any = None,
    time: Any = None,
    period: str | None = None,
    tz: str | None = None,
) -> EstimateAccuracy:
    """Estimate accuracy. See `nps.kpi.estimate_accuracy`."""

@final
class PartsAvailability:
    """Parts availability: the first-pass fill rate (`value`, `numerator`,
    `denominator`, `coverage`; `table` grouped), the share of repair orders
    delayed by parts and the parts-wait distribution in seconds. Per group
    (`to_dict()`, `to_pandas()`, `to_polars()`, `to_arrow()`: one row per
    group) the fill rate, the share of repair orders delayed (an order
    counts once per group it has lines in) and the wait distribution.

    A result is also a partial result: `a.merge(b)` (or `a + b`, `sum()`)
    is the result of the lines of both, as if computed in one pass (a
    repair order with lines in both counts once). It pickles exactly, with
    the key names of its table.

    >>> p = nps.kpi.parts_availability(["r1", "r1", "r2"], [1, 1, 0], wait_s=[None, None, 259_200])
    >>> round(p.value, 4), p.delayed_ros.value, p.wait_s.median
    (0.6667, 0.5, 259200.0)
    >>> g = nps.kpi.parts_availability(["r1", "r1", "r2"], [1, 1, 0], wait_s=[None, None, 259_200],
    ...                                by=["A", "B", "B"]).to_dict()
    >>> g["key"], g["delayed_ros_value"], g["wait_s_median"]
    (['A', 'B'], [0.0, 0.5], [None, 259200.0])
    """
    @property
    def value(self) -> float | None:
        """Lines supplied from stock / lines requested; None without lines."""
    @property
    def numerator(self) -> float:
        """Lines supplied from stock."""
    @property
    def denominator(self) -> float:
        """Lines requested."""
    @property
    def coverage(self) -> float | None:
        """Share of the lines used (1 with lines); None without lines."""
    @property
    def delayed_ros(self) -> Kpi:
        """Repair orders with a line not from stock / repair orders (a Kpi)."""
    @property
    def wait_s(self) -> Distribution:
        """Recorded parts waits in seconds of lines not from stock (a
        `Distribution`: `n`, `mean`, `median`, `p90`).
        """
    @property
    def table(self) -> KpiTable:
        """The fill rate, overall and per group (a KpiTable)."""
    def _table(self) -> _TableColumns:
        """The groups as columns for `nps/_table.py` (`to_dict`, `to_pandas`,
        `to_polars`, `to_arrow`): key columns, `period`, the fill rate
        (`value`, `numerator`, `denominator`, `coverage`), the share of
        repair orders delayed (`delayed_ros_value`, …) and the waits
        (`wait_s_n`, `wait_s_mean`, `wait_s_median`, `wait_s_p90`).
        """
    def to_dict(self) -> dict[str, list[Any]]:
        """The groups (fill rate, repair orders delayed by parts, parts waits), one row per group, as a dict of equal-length lists; no data is None."""
    def to_pandas(self) -> Any:
        """The groups (fill rate, repair orders delayed by parts, parts waits), one row per group, as a pandas DataFrame; no data is <NA>, never NaN."""
    def to_polars(self) -> Any:
        """The groups (fill rate, repair orders delayed by parts, parts waits), one row per group, as a polars DataFrame; no data is null."""
    def to_arrow(self) -> Any:
        """The groups (fill rate, repair orders delayed by parts, parts waits), one row per group, as a ``pyarrow.Table`` (typed nullable columns; key columns, ``period`` as a date, values)."""
    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any: ...
    def __arrow_c_schema__(self) -> Any: ...
    def merge(self, other: PartsAvailability) -> PartsAvailability:
        """The result of the lines of this result followed by those of
        `other`: equal to the result computed in one pass over all of them
        (a repair order with lines in both is one order, delayed when it was
        in either; the wait distribution is that of all lines). Raises
        InvalidArgumentError (argument `other`) for a result grouped by
        another period, time zone or key columns.

        >>> a = nps.kpi.parts_availability(["r1"], [True])
        >>> b = nps.kpi.parts_availability(["r1"], [False], wait_s=[3 * 86400])
        >>> m = a.merge(b)
        >>> m.value, m.delayed_ros.value, m.wait_s.mean
        (0.5, 1.0, 259200.0)
        """
    def __add__(self, other: PartsAvailability, /) -> PartsAvailability:
        """`a + b` is `a.merge(b)`."""
    def __radd__(self, other: int, /) -> PartsAvailability:
        """`0 + a` is `a` (so `sum(results)` works)."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __reduce__(self) -> tuple[Any, ...]: ...
    @staticmethod
    def _from_state(state: bytes) -> PartsAvailability:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """

def _kpi_parts_availability(
    first: Any = None,
    from_stock: Any = None,
    *,
    ro: Any = None,
    wait_s: Any = None,
    by: Any = None,
    timestamps: Any = None,
    time: Any = None,
    period: str | None = None,
    tz: str | None = None,
) -> PartsAvailability:
    """Parts availability. See `nps.kpi.parts_availability`."""
