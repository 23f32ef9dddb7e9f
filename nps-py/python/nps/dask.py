"""More than one machine: nps on Dask DataFrames.

Each function runs the one-machine function on every partition, in the
workers, and merges the partial results in a tree (``merge``, in partition
order, so ties between partitions resolve as they would on the concatenated
input). The result equals the one-machine result on the whole frame exactly,
including the latest answer per respondent across partitions: partial
results keep each respondent's latest answer (``mergeable=True``), so a
respondent who answered in two partitions counts once.

Only the partial results travel (pickled nps-core states: counts per group,
plus one entry per respondent when deduplicating), never the rows.

>>> import pandas as pd, dask.dataframe as dd
>>> df = pd.DataFrame({"dealer": ["a", "b", "a", "a"], "score": [10, 0, 9, 3],
...                    "at": pd.to_datetime(["2025-01-02", "2025-01-03", "2025-02-01", "2025-02-02"]),
...                    "who": [1, 2, 1, 3]})
>>> ddf = dd.from_pandas(df, npartitions=2)
>>> g = nps.dask.group_by(ddf, by="dealer", score="score", time="at", respondent="who")
>>> [(x.key, x.tally.n) for x in g]  # respondent 1 answered twice: the later answer counts
[('a', 2), ('b', 1)]
>>> g.to_dict()["nps"] == nps.group_by(df, by="dealer", score="score", time="at", respondent="who").to_dict()["nps"]
True
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import nps

__all__ = ["group_by", "heat_map", "map_merge", "reduce_tree"]


def _partition_group_by(part: Any, kwargs: dict[str, Any]) -> nps.GroupResult:
    return nps.group_by(part, **kwargs)


def _merge(a: Any, b: Any) -> Any:
    return a.merge(b)


def reduce_tree(parts: Sequence[Any], merge: Callable[[Any, Any], Any] = _merge,
                split_every: int = 8) -> Any:
    """Merges delayed partial results in a tree of ``split_every``-way
    merges, keeping their order (the left part's rows come first). Returns a
    ``dask.delayed`` object; ``.compute()`` gives the merged result.

    >>> import dask
    >>> parts = [dask.delayed(nps.group_by)(["x"] * i, [10] * i) for i in (1, 2, 3)]
    >>> nps.dask.reduce_tree(parts).compute()[0].tally.n
    6
    """
    import dask

    if not parts:
        raise nps.InvalidArgumentError("parts: nothing to merge (a frame without partitions)")
    if split_every < 2:
        raise nps.InvalidArgumentError("split_every: must be at least 2")
    level = list(parts)

    def merge_all(*xs: Any) -> Any:
        # None stands for an empty partition (see `map_merge`).
        out = None
        for x in xs:
            if x is not None:
                out = x if out is None else merge(out, x)
        return out

    while len(level) > 1:
        level = [dask.delayed(merge_all)(*level[i:i + split_every])
                 for i in range(0, len(level), split_every)]
    return level[0]


def group_by(ddf: Any, *, by: str | list[str] | None = None, score: str,
             time: str | None = None, respondent: str | None = None,
             window: int | None = None, split_every: int = 8,
             compute: bool = True, **options: Any) -> Any:
    """``nps.group_by`` on a Dask DataFrame: the same arguments (``by``,
    ``score``, ``time``, ``respondent``, ``period``, ``tz``, ``dedupe``,
    ``dropna``, ``min_n``, ``invalid``, ``interval``, ``confidence``) and
    the same result, computed per partition in the workers and merged in a
    tree of ``split_every``-way merges. With ``respondent=``, the latest
    answer per respondent is right across partitions (each partial result
    keeps its respondents' latest answers). ``window`` rolls the merged
    result. ``compute=False`` returns the ``dask.delayed`` result instead.

    >>> import pandas as pd, dask.dataframe as dd
    >>> df = pd.DataFrame({"dealer": ["a", "b", "a"], "score": [10, 0, 9]})
    >>> g = nps.dask.group_by(dd.from_pandas(df, npartitions=2), by="dealer", score="score")
    >>> g.to_dict()["n"], g.to_dict()["dealer"]
    ([2, 1], ['a', 'b'])
    """
    if options.get("mergeable") is False:
        raise nps.InvalidArgumentError("mergeable: partial results must merge (leave it out)")
    import dask

    kwargs = dict(options, by=by, score=score, time=time, respondent=respondent)
    if respondent is not None:
        kwargs["mergeable"] = True
    parts = [dask.delayed(_partition_group_by)(p, kwargs) for p in ddf.to_delayed()]
    result = reduce_tree(parts, split_every=split_every)
    if window is not None:
        result = dask.delayed(_rolling)(result, window)
    return result.compute() if compute else result


def _rolling(g: nps.GroupResult, window: int) -> nps.GroupResult:
    return g.rolling(window)


def map_merge(ddf: Any, function: Callable[..., Any], *args: Any, split_every: int = 8,
              compute: bool = True, **kwargs: Any) -> Any:
    """Runs ``function(partition, *args, **kwargs)`` on every partition of a
    Dask DataFrame, in the workers, and merges the partial results in a tree
    (``merge``, in partition order). ``function`` is any nps function of the
    DataFrame form whose result merges exactly: ``nps.group_by`` (with
    ``mergeable=True`` when deduplicating; ``nps.dask.group_by`` sets it),
    ``nps.HeatMap.from_records``, the rate and time KPIs of ``nps.kpi``
    (``nps.kpi.rate``, ``nps.kpi.time_kpi``, ...), ``nps.managed_flags``.
    Chain-based KPIs (first-time fix, comebacks) need each vehicle's jobs in
    one partition (``ddf.shuffle("vehicle")`` first); their merge refuses a
    vehicle split between partitions rather than answer wrongly.

    >>> import pandas as pd, dask.dataframe as dd
    >>> df = pd.DataFrame({"dealer": ["a", "b", "a", "a"], "kept": [1, 0, 1, 0]})
    >>> k = nps.dask.map_merge(dd.from_pandas(df, npartitions=2), nps.kpi.rate,
    ...                        flag="kept", by="dealer")
    >>> k.to_dict()["value"]
    [0.6666666666666666, 0.0]
    """
    import dask

    parts = [dask.delayed(_apply)(function, p, args, kwargs) for p in ddf.to_delayed()]
    result = dask.delayed(_some)(reduce_tree(parts, split_every=split_every))
    return result.compute() if compute else result


def _apply(function: Callable[..., Any], part: Any, args: tuple[Any, ...],
           kwargs: dict[str, Any]) -> Any:
    # An empty partition takes no part (a heat map of no records is no data).
    return None if len(part) == 0 else function(part, *args, **kwargs)


def _some(result: Any) -> Any:
    if result is None:
        raise nps.NoDataError("no rows in any partition")
    return result


def heat_map(ddf: Any, **kwargs: Any) -> Any:
    """``nps.HeatMap.from_records`` on a Dask DataFrame (the same keyword
    arguments naming its columns), computed per partition and merged:
    equal to the one-machine heat map.

    >>> import pandas as pd, dask.dataframe as dd
    >>> df = pd.DataFrame({"stage": ["repair", "repair", "reception"], "point": ["a", "a", "q"],
    ...                    "pain": [3, 5, 7]})
    >>> h = nps.dask.heat_map(dd.from_pandas(df, npartitions=2), stage="stage", points="point", pain="pain")
    >>> h == nps.HeatMap.from_records(df, stage="stage", points="point", pain="pain")
    True
    """
    split_every = kwargs.pop("split_every", 8)
    return map_merge(ddf, nps.HeatMap.from_records, split_every=split_every, **kwargs)
