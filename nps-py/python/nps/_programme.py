"""DataFrames of recovery-programme tables: ``RecoveryStatsTable.to_pandas``
and ``to_polars``, attached to the native class here. pandas and polars are
imported only when called; the columns come from ``to_dict()`` (period,
dealer, six counts, five rate values with None for "no data"). No domain
logic lives here.
"""

from __future__ import annotations

from typing import Any

from nps._nps import RecoveryStatsTable

_COUNTS = ("low_scores", "launched", "responded_24h", "recovered", "converted", "lost")
_RATES = ("launch_rate", "response_24h_rate", "success_rate", "conversion_rate", "lost_rate")


def to_pandas(self: RecoveryStatsTable) -> Any:
    """The table as a pandas DataFrame (nullable Float64 rates)."""
    import pandas as pd

    columns = self.to_dict()
    data: dict[str, Any] = {
        "period": pd.array(columns["period"], dtype="string"),
        "dealer": pd.array(columns["dealer"], dtype="string"),
    }
    for name in _COUNTS:
        data[name] = pd.array(columns[name], dtype="int64")
    for name in _RATES:
        data[name] = pd.array(columns[name], dtype="Float64")
    return pd.DataFrame(data)


def to_polars(self: RecoveryStatsTable) -> Any:
    """The table as a polars DataFrame (nulls where there is no data)."""
    import polars as pl

    columns = self.to_dict()
    schema: dict[str, Any] = {"period": pl.String, "dealer": pl.String}
    schema.update({name: pl.Int64 for name in _COUNTS})
    schema.update({name: pl.Float64 for name in _RATES})
    return pl.DataFrame({k: columns[k] for k in schema}, schema=schema)


RecoveryStatsTable.to_pandas = to_pandas  # type: ignore[method-assign]
RecoveryStatsTable.to_polars = to_polars  # type: ignore[method-assign]
