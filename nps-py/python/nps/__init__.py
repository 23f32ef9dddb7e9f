"""Net Promoter Score statistics: tallies, intervals, tests and grouping, and
the recovery policy engine: triage, compensation approval, business calendars.

The work is done by the Rust library nps-core (native module ``nps._nps``);
this package re-exports its public names and attaches the DataFrame and plot
methods of its tables (``_goal``, ``_group``, ``_heatmap``, ``_integrity``,
``_policy``, ``_programme``, named after the nps-core module they serve); ``nps.plot``
draws them with matplotlib (``pip install nps[plot]``). ``nps.test`` is
a deprecated alias of ``nps.test_benchmark``. Columns may be numpy arrays (not
copied), pandas or polars Series, Arrow arrays, or lists.

>>> import nps
>>> t = nps.Tally.from_scores([10, 9, 9, 8, 7, 6, 3, 10, 9, 0])
>>> t.nps
20.0
>>> t.interval("score").method
'score'
>>> policy = nps.Policy.default()
>>> policy.triage(2, 1749819600).tier  # a 2, submitted at Unix second 1749819600
'S'
"""

import warnings
from typing import Any

from nps._nps import (
    AdjustedComparison,
    Approval,
    Calendar,
    CapCheck,
    CaseEvent,
    CaseStatus,
    CountOverflowError,
    DeadlineStatus,
    DegenerateError,
    GoalPlan,
    GoalReport,
    Group,
    GroupResult,
    Interval,
    InvalidArgumentError,
    InvalidEventError,
    InvalidPolicyError,
    InvalidScaleError,
    InvalidScoreError,
    InvalidTimestampError,
    InvalidValueError,
    InvalidWeightError,
    Item,
    LengthMismatchError,
    Money,
    NoDataError,
    NpsError,
    NumericalError,
    PlanMonth,
    Policy,
    Projection,
    Scale,
    Tally,
    TestResult,
    Triage,
    TriageTable,
    UnknownTimeZoneError,
    VisitAssessment,
    VisitWarning,
    __version__,
    classify,
    AdjustedChange,
    CountChange,
    ShareChange,
    compare,
    compare_counts,
    compare_counts_many,
    compare_many,
    compare_shares,
    compare_shares_many,
    group_by,
    max_threads,
    sample_size,
    set_max_threads,
    test_benchmark,
    track_goal,
)
from nps._nps import (
    Case,
    RankedCase,
    RecoveryRate,
    RecoveryBand,
    RecoveryStats,
    RecoveryStatsTable,
    RecoveryStatus,
    StepStatus,
    rank_open_cases,
    recovery_stats,
    recovery_stats_from_case_columns,
)
from nps._nps import (
    ManagedFlag,
    ManagedFlags,
    Rerating,
    ReratingTable,
    managed_flags,
    rerated_nps,
    rerated_nps_by,
)

from nps._nps import HeatMap, HeatTable, Queue, erlang_c, servers_needed

__all__ = [
    "AdjustedComparison",
    "Approval",
    "Calendar",
    "CapCheck",
    "CaseEvent",
    "CaseStatus",
    "CountOverflowError",
    "DeadlineStatus",
    "DegenerateError",
    "GoalPlan",
    "GoalReport",
    "Group",
    "GroupResult",
    "Interval",
    "InvalidArgumentError",
    "InvalidEventError",
    "InvalidPolicyError",
    "InvalidScaleError",
    "InvalidScoreError",
    "InvalidTimestampError",
    "InvalidValueError",
    "InvalidWeightError",
    "Item",
    "LengthMismatchError",
    "Money",
    "NoDataError",
    "NpsError",
    "NumericalError",
    "PlanMonth",
    "Policy",
    "Projection",
    "Scale",
    "Tally",
    "TestResult",
    "Triage",
    "TriageTable",
    "UnknownTimeZoneError",
    "VisitAssessment",
    "VisitWarning",
    "__version__",
    "classify",
    "AdjustedChange",
    "CountChange",
    "ShareChange",
    "compare",
    "compare_counts",
    "compare_counts_many",
    "compare_many",
    "compare_shares",
    "compare_shares_many",
    "group_by",
    "max_threads",
    "sample_size",
    "set_max_threads",
    "test",
    "test_benchmark",
    "track_goal",
    "Case",
    "RankedCase",
    "RecoveryRate",
    "RecoveryBand",
    "RecoveryStats",
    "RecoveryStatsTable",
    "RecoveryStatus",
    "StepStatus",
    "rank_open_cases",
    "recovery_stats",
    "recovery_stats_from_case_columns",
    "Rerating",
    "ManagedFlag",
    "ManagedFlags",
    "rerated_nps",
    "managed_flags",
    "ReratingTable",
    "rerated_nps_by",
    "HeatMap",
    "HeatTable",
    "Queue",
    "erlang_c",
    "servers_needed",
]

# DataFrames and plots of the native tables, attached to the classes by these
# modules (the native module never imports a module of this package).
from nps import _goal, _group, _heatmap, _integrity, _policy, _programme  # noqa: E402, F401
from nps import kpi  # noqa: E402  (service KPIs: nps.kpi)
from nps import dask  # noqa: E402  (Dask DataFrames: nps.dask; imports dask only when called)
from nps import plot  # noqa: E402  (charts: nps.plot; imports matplotlib only when called)

__all__ += ["kpi", "dask", "plot"]

from nps import econ  # noqa: E402  (service economics: nps.econ)

__all__ += ["econ"]

from nps import loyalty  # noqa: E402  (customer value and loyalty: nps.loyalty)

__all__ += ["loyalty"]
from nps import flow  # noqa: E402  (repair-order timelines: nps.flow)

__all__ += ["flow"]
from nps._nps import CapacityGain, StaffingTable, capacity_gain, staffing  # noqa: E402
from nps import _staffing  # noqa: E402, F401  (StaffingTable's DataFrames)

__all__ += ["CapacityGain", "StaffingTable", "capacity_gain", "staffing"]


def test(*args: Any, **kwargs: Any) -> TestResult:
    """Deprecated alias of `test_benchmark` (the name used in Rust and C);
    warns with DeprecationWarning and will be removed.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     r = nps.test(nps.Tally(20, 30, 50), benchmark=20.0)
    >>> w[0].category.__name__, r == nps.test_benchmark(nps.Tally(20, 30, 50), benchmark=20.0)
    ('DeprecationWarning', True)
    """
    warnings.warn(
        "nps.test is deprecated; use nps.test_benchmark (the same function)",
        DeprecationWarning,
        stacklevel=2,
    )
    return test_benchmark(*args, **kwargs)
