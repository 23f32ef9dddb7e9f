"""The one converter of grouped results (nps-core ``table::Table``) to Arrow,
pandas, polars, plain lists and a notebook display.

The native results hand over their table once, as a ``TableColumns`` (see
``nps-py/src/table.rs``): ``columns()`` gives a dict of column name ->
``(type, values, mask)`` (``type`` one of ``i64``, ``u64``, ``f64``,
``bool``, ``str``, ``date``, ``cat``; ``values`` a numpy array; ``mask`` a
bool array marking the null rows, or None), ``categories`` the labels and
order of the categorical key columns, and ``__arrow_c_stream__`` the table
as Arrow record batches built natively. Key columns come first, then
``period`` (a date: the local first day of the period), then the values.
"No data" is null, never NaN. pandas, polars and pyarrow are imported only
when called; no domain logic lives here.
"""

from __future__ import annotations

import html
from typing import Any, Callable

import numpy as np

#: The native table of a result (``nps._nps.TableColumns``).
Columns = Any

#: Rows shown by ``_repr_html_`` before it elides the middle ones.
MAX_ROWS = 20


def to_arrow(cols: Columns) -> Any:
    """A ``pyarrow.Table`` read from the native Arrow stream: typed, nullable
    columns, ``period`` as date32, a categorical key as a dictionary."""
    import pyarrow as pa

    return pa.table(cols)


def to_pandas(cols: Columns) -> Any:
    """A pandas DataFrame: counts and integer keys as (nullable when needed)
    integers, statistics as nullable ``Float64`` (<NA> = no data), flags as
    bool, ``period`` as datetime64, a categorical key as a ``Categorical``
    with the input's categories and order."""
    import pandas as pd

    categories = cols.categories
    data: dict[str, Any] = {}
    for name, (kind, values, mask) in cols.columns().items():
        if kind in ("i64", "u64"):
            data[name] = values if mask is None else pd.arrays.IntegerArray(values, mask)
        elif kind == "f64":
            m = np.zeros(len(values), dtype=bool) if mask is None else mask
            data[name] = pd.arrays.FloatingArray(values, m)
        elif kind == "bool":
            data[name] = values if mask is None else pd.arrays.BooleanArray(values, mask)
        elif kind == "date":
            data[name] = pd.Series(values.astype("datetime64[s]"), dtype="datetime64[s]")
        elif kind == "cat":
            labels, ordered = categories[name]
            data[name] = pd.Categorical(values, categories=labels, ordered=ordered)
        else:
            data[name] = pd.Series(values, dtype=object)
    return pd.DataFrame(data)


def to_polars(cols: Columns) -> Any:
    """A polars DataFrame read from the native Arrow stream (no pyarrow
    needed); a categorical key is a polars ``Enum`` of its categories."""
    import polars as pl

    df = pl.DataFrame(cols)
    enums = {name: pl.Enum(labels) for name, (labels, _ordered) in cols.categories.items()}
    return df.cast(enums) if enums else df  # type: ignore[arg-type]


def to_dict(cols: Columns) -> dict[str, list[Any]]:
    """Equal-length lists; null is None, dates are ``datetime.date``."""
    out: dict[str, list[Any]] = {}
    for name, (kind, values, mask) in cols.columns().items():
        if kind == "date":
            items = values.astype(object).tolist()
        else:
            items = values.tolist()
        if mask is not None:
            items = [None if m else v for v, m in zip(items, mask.tolist())]
        out[name] = items
    return out


_TYPES = {"i64": "int64", "u64": "uint64", "f64": "float64", "bool": "bool", "str": "str",
          "date": "date", "cat": "category"}


def _cell(v: Any) -> str:
    if v is None:
        return '<td style="color:#888"><i>null</i></td>'
    if isinstance(v, float):
        text = f"{v:.6g}"
    else:
        text = str(v)
    return f"<td>{html.escape(text)}</td>"


def to_html(cols: Columns, title: str = "", max_rows: int = MAX_ROWS) -> str:
    """A compact HTML table for a notebook: a title, the column names and
    types, the first and last rows when there are more than ``max_rows``
    (the middle elided), every text escaped. No pandas needed.

    >>> class T:  # a stand-in for the native table
    ...     categories = {}
    ...     def columns(self):
    ...         return {"key": ("str", np.array(["<b>", "x"], dtype=object), None)}
    >>> print(to_html(T(), "2 rows"))  # doctest: +NORMALIZE_WHITESPACE
    <div><p>2 rows</p><table class="nps-table"><thead><tr><th>key</th></tr><tr><th><small>str</small></th></tr></thead><tbody><tr><td>&lt;b&gt;</td></tr><tr><td>x</td></tr></tbody></table></div>
    """
    columns = cols.columns()
    data = to_dict(cols)
    names = list(data)
    n = len(data[names[0]]) if names else 0
    if n > max_rows:
        head = max_rows // 2
        rows: list[int | None] = [*range(head), None, *range(n - (max_rows - head), n)]
    else:
        rows = list(range(n))
    out = ["<div>"]
    if title:
        out.append(f"<p>{html.escape(title)}</p>")
    out.append('<table class="nps-table"><thead><tr>')
    out.extend(f"<th>{html.escape(name)}</th>" for name in names)
    out.append("</tr><tr>")
    out.extend(f"<th><small>{_TYPES.get(columns[name][0], columns[name][0])}</small></th>"
               for name in names)
    out.append("</tr></thead><tbody>")
    for r in rows:
        if r is None:
            out.append(f'<tr><td colspan="{len(names)}">… {n - max_rows} more rows …</td></tr>')
            continue
        out.append("<tr>")
        out.extend(_cell(data[name][r]) for name in names)
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def frame_methods(columns: Callable[..., Columns], what: str) -> dict[str, Callable[..., Any]]:
    """``to_arrow``, ``to_pandas``, ``to_polars`` and ``to_dict`` methods of a
    result class whose ``columns(self, **options)`` gives its table, plus
    ``__arrow_c_stream__`` / ``__arrow_c_schema__`` (the Arrow PyCapsule
    interface, default options) and ``_repr_html_`` (notebook display)."""

    def arrow(self: Any, **options: Any) -> Any:
        return to_arrow(columns(self, **options))

    def pandas(self: Any, **options: Any) -> Any:
        return to_pandas(columns(self, **options))

    def polars(self: Any, **options: Any) -> Any:
        return to_polars(columns(self, **options))

    def plain(self: Any, **options: Any) -> dict[str, list[Any]]:
        return to_dict(columns(self, **options))

    def stream(self: Any, requested_schema: Any = None) -> Any:
        return columns(self).__arrow_c_stream__(requested_schema)

    def schema(self: Any) -> Any:
        return columns(self).__arrow_c_schema__()

    def repr_html(self: Any) -> str:
        return to_html(columns(self), repr(self))

    arrow.__doc__ = f"The {what} as a ``pyarrow.Table`` (typed nullable columns; key columns, ``period`` as a date, values)."
    pandas.__doc__ = f"The {what} as a pandas DataFrame; no data is <NA>, never NaN."
    polars.__doc__ = f"The {what} as a polars DataFrame; no data is null."
    plain.__doc__ = f"The {what} as a dict of equal-length lists; no data is None."
    stream.__doc__ = (f"The {what} as an Arrow C stream (PyCapsule interface), so that "
                      "``pyarrow.table(x)``, ``polars.DataFrame(x)`` and DuckDB read it directly.")
    schema.__doc__ = f"The Arrow schema of the {what} (PyCapsule interface)."
    repr_html.__doc__ = f"The {what} as a compact HTML table (notebook display)."
    return {"to_arrow": arrow, "to_pandas": pandas, "to_polars": polars, "to_dict": plain,
            "__arrow_c_stream__": stream, "__arrow_c_schema__": schema,
            "_repr_html_": repr_html}
