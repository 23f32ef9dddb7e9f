"""The one converter of grouped results (nps-core ``table::Table``) to Arrow,
pandas, polars and plain lists.

The native results hand over their table once, as a dict of column name ->
``(type, values, mask)`` (``type`` one of ``i64``, ``u64``, ``f64``, ``bool``,
``str``, ``date``; ``values`` a numpy array; ``mask`` a bool array marking the
null rows, or None). Key columns come first, then ``period`` (a date: the
local first day of the period), then the values. "No data" is null, never
NaN. pandas, polars and pyarrow are imported only when called; no domain
logic lives here.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

Columns = dict[str, tuple[str, Any, Any]]


def _has_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def to_arrow(cols: Columns) -> Any:
    """A ``pyarrow.Table`` with typed, nullable columns."""
    import pyarrow as pa

    types = {"i64": pa.int64(), "u64": pa.uint64(), "f64": pa.float64(), "bool": pa.bool_(),
             "str": pa.string(), "date": pa.date32()}
    arrays = {}
    for name, (kind, values, mask) in cols.items():
        if kind == "str":
            arrays[name] = pa.array(values.tolist(), type=pa.string())
        else:
            arrays[name] = pa.array(values, type=types[kind], mask=mask)
    return pa.table(arrays)


def to_pandas(cols: Columns) -> Any:
    """A pandas DataFrame: counts and integer keys as (nullable when needed)
    integers, statistics as nullable ``Float64`` (<NA> = no data), flags as
    bool, ``period`` as datetime64."""
    import pandas as pd

    data: dict[str, Any] = {}
    for name, (kind, values, mask) in cols.items():
        if kind in ("i64", "u64"):
            data[name] = values if mask is None else pd.arrays.IntegerArray(values, mask)
        elif kind == "f64":
            m = np.zeros(len(values), dtype=bool) if mask is None else mask
            data[name] = pd.arrays.FloatingArray(values, m)
        elif kind == "bool":
            data[name] = values if mask is None else pd.arrays.BooleanArray(values, mask)
        elif kind == "date":
            data[name] = pd.Series(values.astype("datetime64[s]"), dtype="datetime64[s]")
        else:
            data[name] = pd.Series(values, dtype=object)
    return pd.DataFrame(data)


def to_polars(cols: Columns) -> Any:
    """A polars DataFrame (through Arrow when pyarrow is installed)."""
    import polars as pl

    if _has_pyarrow():
        return pl.from_arrow(to_arrow(cols))
    types = {"i64": pl.Int64, "u64": pl.UInt64, "f64": pl.Float64, "bool": pl.Boolean,
             "str": pl.String, "date": pl.Date}
    series = []
    for name, (kind, values, mask) in cols.items():
        s = pl.Series(name, values.tolist() if kind == "str" else values, dtype=types[kind])
        if mask is not None:
            s = s.scatter(np.flatnonzero(mask), None)
        series.append(s)
    return pl.DataFrame(series)


def to_dict(cols: Columns) -> dict[str, list[Any]]:
    """Equal-length lists; null is None, dates are ``datetime.date``."""
    out: dict[str, list[Any]] = {}
    for name, (kind, values, mask) in cols.items():
        if kind == "date":
            items = values.astype(object).tolist()
        else:
            items = values.tolist()
        if mask is not None:
            items = [None if m else v for v, m in zip(items, mask.tolist())]
        out[name] = items
    return out


def frame_methods(columns: Callable[..., Columns], what: str) -> dict[str, Callable[..., Any]]:
    """``to_arrow``, ``to_pandas``, ``to_polars`` and ``to_dict`` methods of a
    result class whose ``columns(self, **options)`` gives its table."""

    def arrow(self: Any, **options: Any) -> Any:
        return to_arrow(columns(self, **options))

    def pandas(self: Any, **options: Any) -> Any:
        return to_pandas(columns(self, **options))

    def polars(self: Any, **options: Any) -> Any:
        return to_polars(columns(self, **options))

    def plain(self: Any, **options: Any) -> dict[str, list[Any]]:
        return to_dict(columns(self, **options))

    arrow.__doc__ = f"The {what} as a ``pyarrow.Table`` (typed nullable columns; key columns, ``period`` as a date, values)."
    pandas.__doc__ = f"The {what} as a pandas DataFrame; no data is <NA>, never NaN."
    polars.__doc__ = f"The {what} as a polars DataFrame; no data is null."
    plain.__doc__ = f"The {what} as a dict of equal-length lists; no data is None."
    return {"to_arrow": arrow, "to_pandas": pandas, "to_polars": polars, "to_dict": plain}
