"""DataFrames and plots of heat maps: ``HeatTable.to_pandas`` / ``to_polars``
/ ``to_arrow`` and ``HeatMap.plot`` (drawn by ``nps.plot.heatmap``), attached to the native
classes here. pandas, polars and matplotlib are imported only when called. No domain logic lives here:
the numbers come from nps-core (``nps.HeatMap``), this module only lays
them out.
"""

from __future__ import annotations

from typing import Any

from nps._nps import HeatMap, HeatTable

_UINT = ("rank", "points", "mentions", "heat", "top_heat")
_FLOAT = ("pain", "share", "cumulative_share", "weight")


def to_pandas(self: HeatTable) -> Any:
    """The table as a pandas DataFrame (nullable dtypes: no data is <NA>;
    a matrix's integer keys as integers, a categorical key as a
    ``Categorical`` with the input's categories and order, its ``period``
    as datetime64)."""
    import pandas as pd

    columns = self.to_dict()
    types = self._types
    categories = self._categories
    data: dict[str, Any] = {}
    for name, values in columns.items():
        kind = types.get(name)
        if kind == "cat":
            labels, ordered = categories[name]
            data[name] = pd.Categorical(values, categories=labels, ordered=ordered)
        elif kind == "date":
            data[name] = pd.Series(pd.to_datetime(values), dtype="datetime64[s]")
        elif kind in ("u64", "i64"):
            data[name] = pd.array(values, dtype="UInt64" if kind == "u64" else "Int64")
        elif name in _UINT:
            data[name] = pd.array(values, dtype="UInt64")
        elif name in _FLOAT:
            data[name] = pd.array(values, dtype="Float64")
        else:
            data[name] = pd.array(values, dtype="string")
    return pd.DataFrame(data)


def to_polars(self: HeatTable) -> Any:
    """The table as a polars DataFrame (no data is null; a categorical key
    is a polars ``Enum`` of its categories)."""
    import polars as pl

    columns = self.to_dict()
    types = {"u64": pl.UInt64, "i64": pl.Int64, "str": pl.String, "date": pl.Date}
    given = self._types
    categories = self._categories
    schema: dict[str, Any] = {}
    for name in columns:
        if name in categories:
            schema[name] = pl.Enum(categories[name][0])
        elif name in given:
            schema[name] = types[given[name]]
        elif name in _UINT:
            schema[name] = pl.UInt64
        elif name in _FLOAT:
            schema[name] = pl.Float64
        else:
            schema[name] = pl.String
    return pl.DataFrame(columns, schema=schema)


def to_arrow(self: HeatTable) -> Any:
    """The table as a pyarrow Table (no data is null; a matrix's ``period``
    as date32, a categorical key as a dictionary of its categories, ordered
    as the input).

    >>> h = nps.HeatMap.from_rows(["reception", "repair"], ["long wait", "not fixed"], [4, 2], [5, 9])
    >>> h.ranked().to_arrow().column("heat").to_pylist()
    [20, 18]
    """
    import pyarrow as pa

    columns = self.to_dict()
    given = self._types
    categories = self._categories
    types = {"u64": pa.uint64(), "i64": pa.int64(), "str": pa.string(), "date": pa.date32()}
    arrays: dict[str, Any] = {}
    for name, values in columns.items():
        if name in categories:
            labels, ordered = categories[name]
            at = {label: i for i, label in enumerate(labels)}
            codes = pa.array([None if v is None else at[v] for v in values], pa.int32())
            arrays[name] = pa.DictionaryArray.from_arrays(codes, pa.array(labels, pa.string()),
                                                          ordered=ordered)
        elif name in given:
            arrays[name] = pa.array(values, types[given[name]])
        elif name in _UINT:
            arrays[name] = pa.array(values, pa.uint64())
        elif name in _FLOAT:
            arrays[name] = pa.array(values, pa.float64())
        else:
            arrays[name] = pa.array(values, pa.string())
    return pa.table(arrays)


def plot(self: HeatMap, by: str | None = None, ax: Any = None) -> Any:
    """Draws the map with matplotlib: ``nps.plot.heatmap(self, ax, by=by)``
    (the journey view, or the stage × `by` matrix for `by="key"` /
    `"period"`). Returns the matplotlib Axes.

    >>> h = nps.HeatMap.from_rows(["reception"], ["long wait"], [4], [5])
    >>> [t.get_text() for t in h.plot().texts if t.get_gid() == "value"]
    ['heat 20']
    """
    from nps import plot as _plot

    return _plot.heatmap(self, ax, by=by)


HeatTable.to_pandas = to_pandas  # type: ignore[method-assign]
HeatTable.to_polars = to_polars  # type: ignore[method-assign]
HeatTable.to_arrow = to_arrow  # type: ignore[attr-defined]
HeatMap.plot = plot  # type: ignore[method-assign]
