"""DataFrames of triage tables: ``TriageTable.to_pandas`` and ``to_polars``,
attached to the native class here. pandas and polars are imported only when
called.

``TriageTable._arrays()`` gives numpy arrays (no Python object per row): string
columns as ``(codes, categories)`` with -1 for a missing value, deadlines as
int64 Unix seconds with NaT (int64 minimum) for none, the cap as
``(values, missing)``. No domain logic lives here.
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
    data: dict[str, Any] = {"score": columns["score"]}
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
    series = [pl.Series("score", columns["score"], dtype=pl.UInt8)]
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


TriageTable.to_pandas = to_pandas  # type: ignore[method-assign]
TriageTable.to_polars = to_polars  # type: ignore[method-assign]
