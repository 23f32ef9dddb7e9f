"""DataFrames of recovery-programme tables; pandas and polars are imported only when called.

The native module passes a dict of equal-length lists (period, dealer, six
counts, five rate values with None for "no data"). No domain logic lives here.
"""

from __future__ import annotations

from typing import Any

_COUNTS = ("low_scores", "launched", "responded_24h", "recovered", "converted", "lost")
_RATES = ("launch_rate", "response_24h_rate", "success_rate", "conversion_rate", "lost_rate")


def stats_to_pandas(columns: dict[str, Any]) -> Any:
    """String keys, int64 counts, nullable Float64 rates (<NA> = no data)."""
    import pandas as pd

    data: dict[str, Any] = {
        "period": pd.array(columns["period"], dtype="string"),
        "dealer": pd.array(columns["dealer"], dtype="string"),
    }
    for name in _COUNTS:
        data[name] = pd.array(columns[name], dtype="int64")
    for name in _RATES:
        data[name] = pd.array(columns[name], dtype="Float64")
    return pd.DataFrame(data)


def stats_to_polars(columns: dict[str, Any]) -> Any:
    """String keys, Int64 counts, Float64 rates (null = no data)."""
    import polars as pl

    schema: dict[str, Any] = {"period": pl.String, "dealer": pl.String}
    schema.update({name: pl.Int64 for name in _COUNTS})
    schema.update({name: pl.Float64 for name in _RATES})
    return pl.DataFrame({k: columns[k] for k in schema}, schema=schema)
