"""DataFrames of grouped results; pandas and polars are imported only when called."""

from __future__ import annotations

from typing import Any

_STATS = ("nps", "se", "low", "high")


def to_pandas(columns: dict[str, list[Any]]) -> Any:
    """A pandas DataFrame; statistics of groups without data are <NA> (Float64), never NaN."""
    import pandas as pd

    data: dict[str, Any] = dict(columns)
    for name in _STATS:
        data[name] = pd.array(columns[name], dtype="Float64")
    for name in ("n", "detractors", "passives", "promoters"):
        data[name] = pd.array(columns[name], dtype="uint64")
    data["thin"] = pd.array(columns["thin"], dtype="bool")
    return pd.DataFrame(data)


def to_polars(columns: dict[str, list[Any]]) -> Any:
    """A polars DataFrame; statistics of groups without data are null."""
    import polars as pl

    schema: dict[str, Any] = {name: pl.Float64 for name in _STATS}
    schema.update({name: pl.UInt64 for name in ("n", "detractors", "passives", "promoters")})
    schema["thin"] = pl.Boolean
    schema["period"] = pl.String
    return pl.DataFrame(columns, schema_overrides=schema)
