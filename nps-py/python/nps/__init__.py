"""Net Promoter Score statistics: tallies, intervals, tests and grouping, and
the recovery policy engine: triage, compensation approval, business calendars.

The work is done by the Rust library nps-core (native module ``nps._nps``);
this package re-exports its public names. Columns may be numpy arrays (not
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

from nps._nps import (
    Approval,
    Calendar,
    CapCheck,
    CaseEvent,
    CaseStatus,
    CountOverflowError,
    DeadlineStatus,
    DegenerateError,
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
    Policy,
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
    compare,
    group_by,
    max_threads,
    sample_size,
    set_max_threads,
    test,
    track_goal,
)
from nps._nps import (
    Case,
    RankedCase,
    Rate,
    RecoveryBand,
    RecoveryStats,
    RecoveryStatsTable,
    RecoveryStatus,
    StepStatus,
    rank_open_cases,
    recovery_stats,
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
    "Approval",
    "Calendar",
    "CapCheck",
    "CaseEvent",
    "CaseStatus",
    "CountOverflowError",
    "DeadlineStatus",
    "DegenerateError",
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
    "Policy",
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
    "compare",
    "group_by",
    "max_threads",
    "sample_size",
    "set_max_threads",
    "test",
    "track_goal",
    "Case",
    "RankedCase",
    "Rate",
    "RecoveryBand",
    "RecoveryStats",
    "RecoveryStatsTable",
    "RecoveryStatus",
    "StepStatus",
    "rank_open_cases",
    "recovery_stats",
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

from nps import kpi  # noqa: E402  (service KPIs: nps.kpi)

__all__ += ["kpi"]
