"""DataFrames of triage tables: ``TriageTable.to_pandas``, ``to_polars`` and
``to_arrow``, attached to the native class here. pandas, polars and pyarrow
are imported only when called.

``TriageTable._arrays()`` gives numpy arrays (no Python object per row): string
columns as ``(codes, categories)`` with -1 for a missing value, deadlines as
int64 Unix seconds with NaT (int64 minimum) for none, the cap as
``(values, missing)``. The score column is named after the DataFrame's score
column when one was triaged (``TriageTable._score_name``). No domain logic
lives here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nps._nps import TriageTable

_CODED = ("alert", "tier", "owner")
_TIMES = ("acknowledge_by", "contact_by")


def to_pandas(self: TriageTable) -> Any:
    """The table (columns of `to_dict`) as a pandas DataFrame: categorical
    strings, `datetime64[s, UTC]` deadlines (NaT when none), a nullable
    Int64 cap. pandas is imported only now."""
    import pandas as pd

    columns = self._arrays()
    data: dict[str, Any] = {self._score_name: columns["score"]}
    for name in _CODED:
        codes, categories = columns[name]
        data[name] = pd.Categorical.from_codes(codes, categories=categories)
    for name in _TIMES:
        data[name] = pd.Series(columns[name].view("datetime64[s]")).dt.tz_localize("UTC")
    values, missing = columns["compensation_cap_minor"]
    data["compensation_cap_minor"] = pd.arrays.IntegerArray(values, missing)
    codes, categories = columns["currency"]
    data["currency"] = pd.Categorical.from_codes(codes, categories=categories)
    data["escalate_immediately"] = columns["escalate_immediately"]
    return pd.DataFrame(data)


def _polars_coded(pl: Any, name: str, codes: np.ndarray, categories: list[str]) -> Any:
    index = pl.Series(name, codes, dtype=pl.Int64)
    index = pl.select(pl.when(index >= 0).then(index).alias(name)).to_series()
    return pl.Series(name, categories, dtype=pl.String).gather(index).cast(pl.Enum(categories))


def to_polars(self: TriageTable) -> Any:
    """The table (columns of `to_dict`) as a polars DataFrame: Enum strings,
    `Datetime(time_zone="UTC")` deadlines, nulls where a row has no value."""
    import polars as pl

    columns = self._arrays()
    series = [pl.Series(self._score_name, columns["score"], dtype=pl.UInt8)]
    for name in _CODED:
        series.append(_polars_coded(pl, name, *columns[name]))
    for name in _TIMES:
        seconds = pl.Series(name, columns[name], dtype=pl.Int64)
        seconds = pl.select(pl.when(seconds != np.iinfo(np.int64).min).then(seconds).alias(name)).to_series()
        series.append(pl.from_epoch(seconds, time_unit="s").dt.replace_time_zone("UTC"))
    values, missing = columns["compensation_cap_minor"]
    cap = pl.Series("compensation_cap_minor", values, dtype=pl.Int64)
    series.append(pl.select(pl.when(pl.Series(~missing)).then(cap).alias(cap.name)).to_series())
    series.append(_polars_coded(pl, "currency", *columns["currency"]))
    series.append(pl.Series("escalate_immediately", columns["escalate_immediately"], dtype=pl.Boolean))
    return pl.DataFrame(series)


def to_arrow(self: TriageTable) -> Any:
    """The table (columns of `to_dict`) as a ``pyarrow.Table``: dictionary
    strings, ``timestamp[s, tz=UTC]`` deadlines, nulls where a row has no
    value. pyarrow is imported only now."""
    import pyarrow as pa

    columns = self._arrays()

    def coded(codes: np.ndarray, categories: list[str]) -> Any:
        indices = pa.array(codes, type=pa.int8(), mask=codes < 0)
        return pa.DictionaryArray.from_arrays(indices, pa.array(categories, type=pa.string()))

    arrays: dict[str, Any] = {self._score_name: pa.array(columns["score"], type=pa.uint8())}
    for name in _CODED:
        arrays[name] = coded(*columns[name])
    for name in _TIMES:
        seconds = columns[name]
        arrays[name] = pa.array(seconds, type=pa.timestamp("s", tz="UTC"), mask=seconds == np.iinfo(np.int64).min)
    values, missing = columns["compensation_cap_minor"]
    arrays["compensation_cap_minor"] = pa.array(values, type=pa.int64(), mask=missing)
    arrays["currency"] = coded(*columns["currency"])
    arrays["escalate_immediately"] = pa.array(columns["escalate_immediately"], type=pa.bool_())
    return pa.table(arrays)


TriageTable.to_pandas = to_pandas  # type: ignore[method-assign]
TriageTable.to_polars = to_polars  # type: ignore[method-assign]
TriageTable.to_arrow = to_arrow  # type: ignore[attr-defined]
