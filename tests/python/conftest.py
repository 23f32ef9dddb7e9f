"""Shared fixtures of the Python suite (run: scripts/test-python.sh)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "vectors.json"


def load_golden() -> dict[str, Any]:
    with GOLDEN.open(encoding="utf-8") as f:
        return json.load(f)


def scores_of(values: list[Any]) -> list[float | int]:
    """The golden file writes a missing value as the string "NaN"."""
    return [math.nan if v == "NaN" else v for v in values]


def close(actual: float, expected: float, tol: float) -> bool:
    return abs(actual - expected) <= tol


def p_close(actual: float, expected: float, rtol: float) -> bool:
    if expected == 0.0:
        return actual == 0.0
    return abs(actual - expected) <= rtol * abs(expected)


@pytest.fixture(scope="session")
def golden() -> dict[str, Any]:
    return load_golden()
