"""DataFrames and plots of heat maps: ``HeatTable.to_pandas`` / ``to_polars``
and ``HeatMap.plot``, attached to the native classes here. pandas, polars
and matplotlib are imported only when called. No domain logic lives here:
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
    a matrix's integer keys as integers, its ``period`` as datetime64)."""
    import pandas as pd

    columns = self.to_dict()
    types = self._types
    data: dict[str, Any] = {}
    for name, values in columns.items():
        kind = types.get(name)
        if kind == "date":
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
    """The table as a polars DataFrame (no data is null)."""
    import polars as pl

    columns = self.to_dict()
    types = {"u64": pl.UInt64, "i64": pl.Int64, "str": pl.String, "date": pl.Date}
    given = self._types
    schema: dict[str, Any] = {}
    for name in columns:
        if name in given:
            schema[name] = types[given[name]]
        elif name in _UINT:
            schema[name] = pl.UInt64
        elif name in _FLOAT:
            schema[name] = pl.Float64
        else:
            schema[name] = pl.String
    return pl.DataFrame(columns, schema=schema)


def plot(self: HeatMap, by: str | None = None, ax: Any = None) -> Any:
    """Draws the map with matplotlib (imported lazily; ImportError with a
    hint when it is not installed): the stage × `by` matrix when the map
    has that axis (`by="key"` or `"period"`), else the heat per stage.
    Returns the matplotlib Axes."""
    heat_map = self
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "HeatMap.plot() needs matplotlib, which is not installed "
            "(pip install matplotlib)"
        ) from e
    if ax is None:
        _, ax = plt.subplots()
    if by is not None:
        cols = heat_map.matrix(by=by).to_dict()
        labels = list(dict.fromkeys(cols["column"]))
        stages = list(dict.fromkeys(cols["stage"]))
        grid = [
            [cols["heat"][s * len(labels) + c] for c in range(len(labels))]
            for s in range(len(stages))
        ]
        xlabels = labels
    else:
        st = heat_map.by_stage().to_dict()
        stages = st["stage"]
        grid = [[h] for h in st["heat"]]
        xlabels = ["heat"]
    image = ax.imshow(grid, aspect="auto", cmap="Reds")
    ax.set_yticks(range(len(stages)), labels=stages)
    ax.set_xticks(range(len(xlabels)), labels=xlabels, rotation=45, ha="right")
    for s, row in enumerate(grid):
        for c, value in enumerate(row):
            ax.text(c, s, str(value), ha="center", va="center", fontsize=8)
    ax.figure.colorbar(image, ax=ax, label="heat = mentions × pain")
    ax.set_title("Customer-journey pain-point heat")
    return ax


HeatTable.to_pandas = to_pandas  # type: ignore[method-assign]
HeatTable.to_polars = to_polars  # type: ignore[method-assign]
HeatMap.plot = plot  # type: ignore[method-assign]
