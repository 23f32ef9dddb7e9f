"""The exception hierarchy: one class per nps-core error kind, with attributes."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import nps

# (class, kind, extra built-in base): the contract of the Python API.
CLASSES = [
    (nps.InvalidScoreError, "invalid_score", ValueError),
    (nps.NoDataError, "no_data", ValueError),
    (nps.InvalidWeightError, "invalid_weight", ValueError),
    (nps.InvalidTimestampError, "invalid_timestamp", ValueError),
    (nps.InvalidArgumentError, "invalid_argument", ValueError),
    (nps.LengthMismatchError, "length_mismatch", ValueError),
    (nps.InvalidScaleError, "invalid_scale", ValueError),
    (nps.UnknownTimeZoneError, "unknown_time_zone", ValueError),
    (nps.DegenerateError, "degenerate", ValueError),
    (nps.CountOverflowError, "overflow", OverflowError),
    (nps.NumericalError, "numerical", RuntimeError),
    (nps.InvalidValueError, "invalid_value", ValueError),
    (nps.InvalidEventError, "invalid_event", ValueError),
]


@pytest.mark.parametrize(("cls", "kind", "builtin"), CLASSES, ids=[c[1] for c in CLASSES])
def test_hierarchy(cls: type, kind: str, builtin: type) -> None:
    assert issubclass(cls, nps.NpsError)
    assert issubclass(cls, builtin)
    assert issubclass(nps.NpsError, Exception)
    assert cls.kind == kind
    assert cls.__module__ == "nps"
    assert getattr(nps, cls.__name__) is cls


def test_every_kind_once() -> None:
    assert len({c[1] for c in CLASSES}) == len(CLASSES) == 13
    # Every exported subclass of NpsError is covered here (InvalidPolicyError
    # has its own tests).
    exported = {
        getattr(nps, n) for n in nps.__all__
        if isinstance(getattr(nps, n), type) and issubclass(getattr(nps, n), nps.NpsError)
    }
    assert exported - {c[0] for c in CLASSES} == {nps.NpsError, nps.InvalidPolicyError}
    assert "OverflowError" not in nps.__all__  # the builtin is not shadowed


def test_invalid_score() -> None:
    with pytest.raises(nps.InvalidScoreError) as e:
        nps.Tally.from_scores(np.array([9, 10, 7, 12, 3], dtype=np.int16))
    assert (e.value.index, e.value.value, e.value.kind) == (3, 12.0, "invalid_score")
    assert "row 3" in str(e.value)
    with pytest.raises(ValueError):  # also catchable as ValueError
        nps.Tally.from_scores([1.5])


def test_no_data() -> None:
    with pytest.raises(nps.NoDataError) as e:
        nps.Tally().se
    assert e.value.kind == "no_data"


def test_invalid_weight() -> None:
    with pytest.raises(nps.InvalidWeightError) as e:
        nps.Tally.from_scores([9, 9, 9], weights=[1.0, 1.0, -2.0])
    assert (e.value.index, e.value.value, e.value.kind) == (2, -2.0, "invalid_weight")


def test_invalid_timestamp() -> None:
    # 10**12 seconds is in the year 33658: outside years 1..=9999.
    with pytest.raises(nps.InvalidTimestampError) as e:
        nps.group_by(None, [9, 9], timestamps=[0, 10**12], period="day")
    assert (e.value.index, e.value.value, e.value.kind) == (1, 10**12, "invalid_timestamp")


def test_invalid_argument() -> None:
    with pytest.raises(nps.InvalidArgumentError) as e:
        nps.Tally(1, 2, 3).interval("score", 1.5)
    assert e.value.argument == "confidence" and e.value.kind == "invalid_argument"


def test_length_mismatch() -> None:
    with pytest.raises(nps.LengthMismatchError) as e:
        nps.Tally.from_scores([9, 9, 9], weights=[1.0, 1.0])
    assert e.value.argument == "weights" and e.value.kind == "length_mismatch"


def test_invalid_scale() -> None:
    with pytest.raises(nps.InvalidScaleError) as e:
        nps.Scale((1, 3), None, (5, 5))  # gap at 4
    assert e.value.kind == "invalid_scale"


def test_unknown_time_zone() -> None:
    with pytest.raises(nps.UnknownTimeZoneError) as e:
        nps.group_by(None, [9], timestamps=[0], period="day", tz="Mars/Olympus_Mons")
    assert e.value.kind == "unknown_time_zone" and "Mars/Olympus_Mons" in str(e.value)


def test_degenerate() -> None:
    with pytest.raises(nps.DegenerateError) as e:
        nps.test_benchmark(nps.Tally(0, 0, 30), 50.0, method="wald")
    assert e.value.kind == "degenerate"


def test_count_overflow() -> None:
    with pytest.raises(nps.CountOverflowError) as e:
        nps.Tally(2**64 - 1, 1, 0)
    assert e.value.kind == "overflow"
    assert isinstance(e.value, OverflowError)
    big = nps.Tally(2**63, 0, 0)
    with pytest.raises(nps.CountOverflowError):
        big + big


def test_exceptions_pickle() -> None:
    with pytest.raises(nps.InvalidScoreError) as e:
        nps.Tally.from_scores([11])
    again = pickle.loads(pickle.dumps(e.value))
    assert type(again) is nps.InvalidScoreError
    assert (again.index, again.value, again.kind, str(again)) == (0, 11.0, "invalid_score", str(e.value))
