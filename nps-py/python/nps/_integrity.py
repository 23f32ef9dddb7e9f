"""DataFrames of the integrity tables: ``ManagedFlags.to_pandas`` /
``to_polars`` and ``ReratingTable.to_pandas`` / ``to_polars``, attached to
the native classes here. pandas and polars are imported only when called;
the columns come from ``to_dict()`` and no domain logic lives here.
"""

from __future__ import annotations

from typing import Any

from nps._nps import ManagedFlags, ReratingTable

_FLOATS = ("share", "network_share", "p_value", "ln_p_value", "ln_min_p_value", "threshold")
_UINTS = ("n", "observed", "network_n", "network_observed")


def flags_to_pandas(self: ManagedFlags) -> Any:
    """The table as a pandas DataFrame (missing statistics are <NA>, never NaN)."""
    import pandas as pd

    columns = self.to_dict()
    data: dict[str, Any] = dict(columns)
    for name in _FLOATS:
        data[name] = pd.array(columns[name], dtype="Float64")
    for name in _UINTS:
        data[name] = pd.array(columns[name], dtype="uint64")
    data["flagged"] = pd.array(columns["flagged"], dtype="bool")
    return pd.DataFrame(data)


def flags_to_polars(self: ManagedFlags) -> Any:
    """The table as a polars DataFrame (missing statistics are null)."""
    import polars as pl

    columns = self.to_dict()
    schema: dict[str, Any] = {name: pl.Float64 for name in _FLOATS}
    schema.update({name: pl.UInt64 for name in _UINTS})
    schema.update(flagged=pl.Boolean, test=pl.String, status=pl.String, tail=pl.String)
    return pl.DataFrame(columns, schema_overrides=schema)


_NPS = ("reported_nps", "original_nps", "after_recovery_nps")
_COUNTS = ("n", "rerated", "detractors_rerated", "detractors_moved_up", "detractors_to_promoter")


def rerating_to_pandas(self: ReratingTable) -> Any:
    """The table (see `to_dict`) as a pandas DataFrame; NPS without data is <NA>."""
    import pandas as pd

    columns = self.to_dict()
    data: dict[str, Any] = dict(columns)
    for name in _NPS:
        data[name] = pd.array(columns[name], dtype="Float64")
    for name in _COUNTS:
        data[name] = pd.array(columns[name], dtype="uint64")
    return pd.DataFrame(data)


def rerating_to_polars(self: ReratingTable) -> Any:
    """The table (see `to_dict`) as a polars DataFrame; NPS without data is null."""
    import polars as pl

    columns = self.to_dict()
    schema: dict[str, Any] = {name: pl.Float64 for name in _NPS}
    schema.update({name: pl.UInt64 for name in _COUNTS})
    schema["basis"] = pl.String
    return pl.DataFrame(columns, schema_overrides=schema)


ManagedFlags.to_pandas = flags_to_pandas  # type: ignore[method-assign]
ManagedFlags.to_polars = flags_to_polars  # type: ignore[method-assign]
ReratingTable.to_pandas = rerating_to_pandas  # type: ignore[method-assign]
ReratingTable.to_polars = rerating_to_polars  # type: ignore[method-assign]
