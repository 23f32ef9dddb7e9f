"""DataFrames of grouped results: ``GroupResult.to_pandas`` and ``to_polars``,
attached to the native class here. pandas and polars are imported only when
called; the columns come from ``GroupResult.to_dict()`` and no domain logic
lives here.
"""

from __future__ import annotations

from typing import Any

from nps._nps import GroupResult

_STATS = ("nps", "se", "low", "high")


def to_pandas(self: GroupResult) -> Any:
    """The table (see `to_dict`) as a pandas DataFrame; statistics of a group
    without data are <NA> (nullable Float64), never NaN."""
    import pandas as pd

    columns = self.to_dict()
    data: dict[str, Any] = dict(columns)
    for name in _STATS:
        data[name] = pd.array(columns[name], dtype="Float64")
    for name in ("n", "detractors", "passives", "promoters"):
        data[name] = pd.array(columns[name], dtype="uint64")
    data["thin"] = pd.array(columns["thin"], dtype="bool")
    return pd.DataFrame(data)


def to_polars(self: GroupResult) -> Any:
    """The table (see `to_dict`) as a polars DataFrame; statistics of a group
    without data are null."""
    import polars as pl

    schema: dict[str, Any] = {name: pl.Float64 for name in _STATS}
    schema.update({name: pl.UInt64 for name in ("n", "detractors", "passives", "promoters")})
    schema["thin"] = pl.Boolean
    schema["period"] = pl.String
    return pl.DataFrame(self.to_dict(), schema_overrides=schema)


GroupResult.to_pandas = to_pandas  # type: ignore[method-assign]
GroupResult.to_polars = to_polars  # type: ignore[method-assign]
