"""Net Promoter Score statistics: tallies, intervals, tests and grouping.

The work is done by the Rust library nps-core (native module ``nps._nps``);
this package re-exports its public names. Columns may be numpy arrays (not
copied), pandas or polars Series, Arrow arrays, or lists.

>>> import nps
>>> t = nps.Tally.from_scores([10, 9, 9, 8, 7, 6, 3, 10, 9, 0])
>>> t.nps
20.0
>>> t.interval("score").method
'score'
"""

from nps._nps import (
    CountOverflowError,
    DegenerateError,
    GoalReport,
    Group,
    GroupResult,
    Interval,
    InvalidArgumentError,
    InvalidScaleError,
    InvalidScoreError,
    InvalidTimestampError,
    InvalidWeightError,
    LengthMismatchError,
    NoDataError,
    NpsError,
    NumericalError,
    Scale,
    Tally,
    TestResult,
    UnknownTimeZoneError,
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

__all__ = [
    "CountOverflowError",
    "DegenerateError",
    "GoalReport",
    "Group",
    "GroupResult",
    "Interval",
    "InvalidArgumentError",
    "InvalidScaleError",
    "InvalidScoreError",
    "InvalidTimestampError",
    "InvalidWeightError",
    "LengthMismatchError",
    "NoDataError",
    "NpsError",
    "NumericalError",
    "Scale",
    "Tally",
    "TestResult",
    "UnknownTimeZoneError",
    "__version__",
    "classify",
    "compare",
    "group_by",
    "max_threads",
    "sample_size",
    "set_max_threads",
    "test",
    "track_goal",
]
