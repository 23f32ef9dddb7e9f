"""DataFrames of managed-distribution flags; pandas and polars are imported only when called."""

from __future__ import annotations

from typing import Any

_FLOATS = ("share", "network_share", "p_value", "ln_p_value", "ln_min_p_value", "threshold")
_UINTS = ("n", "observed", "network_n", "network_observed")


def to_pandas(columns: dict[str, list[Any]]) -> Any:
    """A pandas DataFrame; undefined statistics are <NA> (Float64), never NaN."""
    import pandas as pd

    data: dict[str, Any] = dict(columns)
    for name in _FLOATS:
        data[name] = pd.array(columns[name], dtype="Float64")
    for name in _UINTS:
        data[name] = pd.array(columns[name], dtype="uint64")
    data["flagged"] = pd.array(columns["flagged"], dtype="bool")
    return pd.DataFrame(data)


def to_polars(columns: dict[str, list[Any]]) -> Any:
    """A polars DataFrame; undefined statistics are null."""
    import polars as pl

    schema: dict[str, Any] = {name: pl.Float64 for name in _FLOATS}
    schema.update({name: pl.UInt64 for name in _UINTS})
    schema.update(flagged=pl.Boolean, test=pl.String, status=pl.String, tail=pl.String)
    return pl.DataFrame(columns, schema_overrides=schema)


_NPS = ("reported_nps", "original_nps", "after_recovery_nps")
_COUNTS = ("n", "rerated", "detractors_rerated", "detractors_moved_up", "detractors_to_promoter")


def rerating_to_pandas(columns: dict[str, list[Any]]) -> Any:
    """A pandas DataFrame of re-rating groups; NPS without data is <NA>, never NaN."""
    import pandas as pd

    data: dict[str, Any] = dict(columns)
    for name in _NPS:
        data[name] = pd.array(columns[name], dtype="Float64")
    for name in _COUNTS:
        data[name] = pd.array(columns[name], dtype="uint64")
    return pd.DataFrame(data)


def rerating_to_polars(columns: dict[str, list[Any]]) -> Any:
    """A polars DataFrame of re-rating groups; NPS without data is null."""
    import polars as pl

    schema: dict[str, Any] = {name: pl.Float64 for name in _NPS}
    schema.update({name: pl.UInt64 for name in _COUNTS})
    schema["basis"] = pl.String
    return pl.DataFrame(columns, schema_overrides=schema)
