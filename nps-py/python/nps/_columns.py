"""Column adapters: turn pandas, polars, Arrow and other array-likes into numpy.

The native module (``nps._nps``) takes numpy arrays without copying; it calls
these helpers only for other inputs. They are vectorised (no Python loop over
rows) and hold no domain logic: missing values become NaN / NaT (so nps-core
reports them as invalid rows, never as 0), strings become a dictionary
encoding ``(codes, categories)`` so no Python string is made per row.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np


def _library(obj: object) -> str:
    return type(obj).__module__.partition(".")[0]


def _check_1d(obj: Any, name: str) -> None:
    ndim = getattr(obj, "ndim", 1)
    if ndim != 1:
        raise TypeError(f"`{name}` must be a 1-D column, got an object with {ndim} dimensions")


def _via_arrow(obj: Any) -> Any:
    """A pyarrow ChunkedArray for objects that only speak the Arrow PyCapsule interface."""
    import pyarrow as pa  # imported only when such an object is passed

    return pa.chunked_array(obj)


def numbers(obj: Any, name: str) -> np.ndarray:
    """A 1-D numeric array; missing values (NaN, None, pd.NA, polars null) become NaN."""
    lib = _library(obj)
    if lib == "pandas":
        _check_1d(obj, name)
        if isinstance(obj.dtype, np.dtype):
            return obj.to_numpy()  # numpy-backed: a view
        if bool(obj.isna().any()):
            return obj.to_numpy(dtype=np.float64, na_value=np.nan)
        numpy_dtype = getattr(obj.dtype, "numpy_dtype", None)
        if numpy_dtype is not None and numpy_dtype.kind in "iuf":
            return obj.to_numpy(dtype=numpy_dtype)
        return np.asarray(obj.to_numpy())
    if lib == "polars":
        _check_1d(obj, name)
        # Integers with nulls come out as floats with NaN; without nulls, a view.
        return obj.to_numpy()
    if isinstance(obj, np.ma.MaskedArray):
        return np.ma.filled(obj.astype(np.float64), np.nan)
    if hasattr(obj, "__array__") or isinstance(obj, (list, tuple, range)):
        return np.asarray(obj)
    if hasattr(obj, "__arrow_c_stream__") or hasattr(obj, "__arrow_c_array__"):
        return _via_arrow(obj).to_numpy()
    return np.asarray(list(obj))


_EPOCH = _dt.datetime(1970, 1, 1)
_EPOCH_UTC = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_SECOND = _dt.timedelta(seconds=1)
_NAT = np.iinfo(np.int64).min


def _unix_seconds(v: Any) -> int:
    """Unix seconds of a datetime (naive = UTC), a date (its midnight UTC) or an int."""
    if isinstance(v, _dt.datetime):
        return (v - (_EPOCH if v.tzinfo is None else _EPOCH_UTC)) // _SECOND
    if isinstance(v, _dt.date):
        return (v - _EPOCH.date()).days * 86400
    return int(v)


def timestamps(obj: Any, name: str) -> np.ndarray:
    """A 1-D int64 (Unix seconds) or datetime64 array; tz-aware columns are converted to UTC."""
    lib = _library(obj)
    if lib == "pandas":
        _check_1d(obj, name)
        if getattr(obj.dtype, "tz", None) is not None:
            # tz-aware: `.values` / `to_numpy(datetime64)` is the UTC instant.
            return obj.to_numpy(dtype=f"datetime64[{obj.dtype.unit}]", na_value=np.datetime64("NaT"))
        if obj.dtype.kind == "M":
            return obj.to_numpy()
        return numbers(obj, name)
    if lib == "polars":
        _check_1d(obj, name)
        # Datetime (naive or tz-aware, stored as UTC instants) -> datetime64 in UTC; Date -> [D].
        return obj.to_numpy()
    if isinstance(obj, (list, tuple)) and any(isinstance(v, (_dt.date, _dt.datetime)) for v in obj):
        # None becomes NaT (int64 minimum), which nps-core rejects as an invalid timestamp.
        seconds = [_NAT if v is None else _unix_seconds(v) for v in obj]
        return np.array(seconds, dtype=np.int64).view("datetime64[s]")
    return numbers(obj, name)


def _arrow_dictionary(obj: Any) -> tuple[np.ndarray, list[str]] | None:
    """``(codes, categories)`` of a polars Categorical / Enum through its Arrow
    dictionary (no string is copied per row); None without pyarrow."""
    try:
        import pyarrow as pa
    except ImportError:
        return None
    arr = obj.to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    codes = arr.indices.cast(pa.int64()).fill_null(-1).to_numpy()
    return codes, arr.dictionary.to_pylist()


def labels(obj: Any, name: str) -> Any:
    """Keys or respondent ids: an integer or object ndarray, or ``(codes, categories)``
    for string columns (codes index ``categories``; -1 marks a missing value)."""
    lib = _library(obj)
    if lib == "pandas":
        _check_1d(obj, name)
        categories = getattr(obj.dtype, "categories", None)
        if getattr(obj.dtype, "kind", "O") in "iuf" or (categories is not None and categories.dtype.kind in "iuf"):
            return numbers(obj, name)  # integer keys (NaN marks a missing one)
        import pandas as pd

        codes, uniques = pd.factorize(obj)
        uniques = list(uniques)
        if all(isinstance(u, str) for u in uniques):
            return codes, uniques  # -1 marks a missing value
        return np.asarray(obj.to_numpy(dtype=object))  # mixed objects: checked row by row
    if lib == "polars":
        _check_1d(obj, name)
        import polars as pl

        if isinstance(obj.dtype, (pl.Categorical, pl.Enum)):
            coded = _arrow_dictionary(obj)
            if coded is not None:
                return coded
        if obj.dtype == pl.String or isinstance(obj.dtype, (pl.Categorical, pl.Enum)):
            text = obj.cast(pl.String)
            categories = text.unique(maintain_order=True).drop_nulls()
            codes = text.cast(pl.Enum(categories)).to_physical().cast(pl.Int64).fill_null(-1)
            return codes.to_numpy(), categories.to_list()
        return obj.to_numpy()
    if isinstance(obj, (list, tuple)):
        return np.asarray(obj, dtype=object) if any(isinstance(v, str) for v in obj[:1]) else np.asarray(obj)
    return numbers(obj, name)
