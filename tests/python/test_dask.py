"""nps.dask on a distributed.LocalCluster with two process workers equals
the one-machine result, including the latest answer per respondent across
partitions (a respondent answering in several partitions counts once)."""

import numpy as np
import pytest

import nps

pd = pytest.importorskip("pandas")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
nps_dask = pytest.importorskip("nps.dask")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def survey():
    rng = np.random.default_rng(7)
    n = 20_000
    at = pd.Timestamp("2025-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 180 * 86400, n), unit="s")
    return pd.DataFrame({
        "dealer": rng.choice(["d101", "d102", "d103", "d104"], n),
        "advisor": rng.integers(1, 9, n),
        "score": rng.integers(0, 11, n),
        "at": at,
        # 3,000 respondents over 20,000 answers: most answered several
        # times, in different partitions.
        "who": rng.integers(0, 3_000, n),
    }).sort_values("at", kind="stable").reset_index(drop=True)


@pytest.mark.parametrize("dedupe", [None, "global", "per_key"])
def test_dask_equals_one_machine(client, survey, dedupe):
    kw = dict(by=["dealer", "advisor"], score="score", time="at", period="month",
              tz="Asia/Shanghai")
    if dedupe:
        kw.update(respondent="who", dedupe=dedupe)
    ddf = dd.from_pandas(survey, npartitions=7)
    got = nps_dask.group_by(ddf, split_every=3, **kw)
    want = nps.group_by(survey, **kw)
    assert got.to_dict() == want.to_dict()
    assert got.dropped_repeats == want.dropped_repeats
    if dedupe == "global":
        # Per partition, without the merge of latest answers, many more
        # answers would count.
        cuts = np.linspace(0, len(survey), 8).astype(int)
        naive = sum(nps.group_by(survey.iloc[a:b], **kw).total().n for a, b in zip(cuts, cuts[1:]))
        assert want.total().n == survey["who"].nunique() < naive


def test_dask_rolling_and_delayed(client, survey):
    ddf = dd.from_pandas(survey, npartitions=4)
    kw = dict(by="dealer", score="score", time="at", period="month")
    got = nps_dask.group_by(ddf, window=3, compute=False, **kw).compute()
    want = nps.group_by(survey, window=3, **kw)
    assert got.to_dict() == want.to_dict()
    assert got.to_dict()["complete"] == want.to_dict()["complete"]


def test_dask_heat_map_and_kpis(client):
    rng = np.random.default_rng(3)
    n = 5_000
    df = pd.DataFrame({
        "stage": rng.choice(["reception", "repair", "delivery"], n),
        "point": rng.choice(["wait", "price", "explain", "clean"], n),
        "pain": rng.integers(1, 11, n),
        "dealer": rng.choice(["d1", "d2", "d3"], n),
        "kept": rng.integers(0, 2, n),
    })
    # The middle partition is empty: it takes no part.
    ddf = dd.from_pandas(df, npartitions=3)
    ddf = ddf.map_partitions(lambda p, partition_info=None: p.iloc[:0] if partition_info["number"] == 1 else p,
                             meta=df.iloc[:0])
    parts = [dd.from_pandas(df, npartitions=3).get_partition(i).compute() for i in (0, 2)]
    expect_rows = pd.concat(parts)
    h = nps_dask.heat_map(ddf, stage="stage", points="point", pain="pain", by="dealer")
    assert h == nps.HeatMap.from_records(expect_rows, stage="stage", points="point", pain="pain", by="dealer")
    k = nps_dask.map_merge(ddf, nps.kpi.rate, flag="kept", by="dealer", split_every=2)
    assert k.to_dict() == nps.kpi.rate(expect_rows, flag="kept", by="dealer").to_dict()
    with pytest.raises(nps.NoDataError):
        nps_dask.map_merge(ddf.map_partitions(lambda p: p.iloc[:0], meta=df.iloc[:0]), nps.kpi.rate,
                           flag="kept")
