"""DataFrames of grouped results: ``GroupResult.to_arrow``, ``to_pandas``,
``to_polars`` and ``to_dict``, the Arrow PyCapsule interface
(``__arrow_c_stream__``, ``__arrow_c_schema__``) and the notebook display
(``_repr_html_``), attached to the native class here. The table comes from
the native ``GroupResult._table`` (nps-core ``Grouped::to_table``) through
the one converter of ``nps._table``; no domain logic lives here.
"""

from __future__ import annotations

from typing import Any

from nps import _table
from nps._nps import GroupResult


def to_dict(self: GroupResult, interval: str | None = None, confidence: float | None = None,
            **options: Any) -> dict[str, list[Any]]:
    """The table as a dict of equal-length lists: the key columns (named
    after the columns grouped by when known, else ``key`` or ``key_0``,
    ``key_1``, ...), ``period`` (the local first day, a ``datetime.date``),
    ``n``, ``detractors``, ``passives``, ``promoters``, ``nps``, ``se``,
    ``low``, ``high`` and ``thin``. ``low`` / ``high`` are the interval
    ``interval`` at ``confidence`` (with ``pseudo``, ``clip``, ``prior``,
    ``credible`` as in ``Tally.interval``); options not given take
    nps-core's defaults (the score interval at 95 %). Statistics of a group
    without data are None.

    >>> nps.group_by(["a", "b", "a"], [10, 0, 9]).to_dict()["nps"]
    [100.0, -100.0]
    """
    return _table.to_dict(self._table(interval, confidence, **options))


def to_pandas(self: GroupResult, interval: str | None = None, confidence: float | None = None,
              **options: Any) -> Any:
    """The table (see `to_dict`) as a pandas DataFrame; statistics of a group
    without data are <NA> (nullable Float64), never NaN. A categorical key
    (pandas ``Categorical``, polars ``Enum``, Arrow dictionary) stays a
    ``Categorical`` with the input's categories, in their order.

    >>> df = nps.group_by([1, 2, 1], [10, 0, 9]).to_pandas(interval="wald", confidence=0.9)
    >>> list(df.columns[:3]), df["nps"].tolist()
    (['key', 'n', 'detractors'], [100.0, -100.0])
    """
    return _table.to_pandas(self._table(interval, confidence, **options))


def to_polars(self: GroupResult, interval: str | None = None, confidence: float | None = None,
              **options: Any) -> Any:
    """The table (see `to_dict`) as a polars DataFrame, read from the Arrow
    stream (no pyarrow needed); statistics of a group without data are
    null; a categorical key is an ``Enum`` of its categories.

    >>> nps.group_by([1, 2, 1], [10, 0, 9]).to_polars()["n"].to_list()
    [2, 1]
    """
    return _table.to_polars(self._table(interval, confidence, **options))


def to_arrow(self: GroupResult, interval: str | None = None, confidence: float | None = None,
             **options: Any) -> Any:
    """The table (see `to_dict`) as a ``pyarrow.Table`` read from the native
    Arrow stream: typed nullable columns, ``period`` as date32, a
    categorical key as a dictionary.

    >>> nps.group_by([[1, 1, 2], ["x", "y", "x"]], [10, 0, 9]).to_arrow().column_names[:3]
    ['key_0', 'key_1', 'n']
    """
    return _table.to_arrow(self._table(interval, confidence, **options))


def __arrow_c_stream__(self: GroupResult, requested_schema: Any = None) -> Any:
    """The table (see `to_dict`, default interval options) as an Arrow C
    stream (the Arrow PyCapsule interface), built natively: ``pa.table(r)``,
    ``pl.DataFrame(r)`` and DuckDB (``duckdb.sql("select * from r")``) read
    the result directly, without pyarrow for polars and DuckDB.

    >>> import pyarrow as pa
    >>> pa.table(nps.group_by(["b", "a", "b"], [10, 0, 9])).column("key").to_pylist()
    ['a', 'b']
    """
    return self._table().__arrow_c_stream__(requested_schema)


def __arrow_c_schema__(self: GroupResult) -> Any:
    """The Arrow schema of the table (Arrow PyCapsule interface).

    >>> import pyarrow as pa
    >>> pa.schema(nps.group_by([1, 2], [10, 0])).field("n").type
    DataType(uint64)
    """
    return self._table().__arrow_c_schema__()


def _repr_html_(self: GroupResult) -> str:
    """The table as compact HTML for a notebook (first and last rows when
    long, column types, text escaped).

    >>> "<th>nps</th>" in nps.group_by(["a"], [10])._repr_html_()
    True
    """
    return _table.to_html(self._table(), repr(self))


GroupResult.__arrow_c_stream__ = __arrow_c_stream__  # type: ignore[attr-defined]
GroupResult.__arrow_c_schema__ = __arrow_c_schema__  # type: ignore[attr-defined]
GroupResult._repr_html_ = _repr_html_  # type: ignore[attr-defined]
GroupResult.to_dict = to_dict  # type: ignore[method-assign]
GroupResult.to_pandas = to_pandas  # type: ignore[method-assign]
GroupResult.to_polars = to_polars  # type: ignore[method-assign]
GroupResult.to_arrow = to_arrow  # type: ignore[attr-defined]
