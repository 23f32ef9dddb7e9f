"""Rate, CSAT and time KPI tables by dealer x month (issue 12): the
counts nps-core makes straight inside the grouping engine's blocks, and
the columns read in place (numpy bool flags, uint8 ratings, int64 seconds
and timestamps), against a numpy oracle written here, and against the
same call on converted columns (lists, floats, other widths, datetimes)."""

from __future__ import annotations

import numpy as np
import pytest

import nps
from nps import kpi

START = 1_672_531_200  # 2023-01-01T00:00:00Z
DAY = 86_400
ROWS = 200_000


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(12)
    dealer = rng.integers(0, 300, ROWS, dtype=np.uint32)
    return {
        "dealer": dealer,
        "ts": START + rng.integers(0, 730 * DAY, ROWS, dtype=np.int64),
        "kept": rng.random(ROWS) < 0.8,
        # Dealers ending in 7 have no eligible row: their groups stay, with
        # no data.
        "eligible": (rng.random(ROWS) < 0.9) & (dealer % 10 != 7),
        "rating": rng.integers(1, 6, ROWS, dtype=np.uint8),
        "wait": rng.integers(0, 900, ROWS, dtype=np.int64),
    }


def months(ts):
    """'YYYY-MM' of each Unix second (UTC), by numpy."""
    return ts.astype("datetime64[s]").astype("datetime64[M]").astype(str)


def oracle_counts(dealer, ts, num, den):
    """{(dealer, month): (numerator, denominator, rows)} by numpy."""
    m = months(ts)
    keys, inverse = np.unique(np.rec.fromarrays([dealer, m]), return_inverse=True)
    n = np.bincount(inverse, minlength=len(keys))
    a = np.bincount(inverse, weights=num, minlength=len(keys))
    b = np.bincount(inverse, weights=den, minlength=len(keys))
    return {(int(k[0]), str(k[1])): (int(x), int(y), int(z)) for k, x, y, z in zip(keys, a, b, n)}


def table_counts(t):
    d = t.to_dict()
    key = next(k for k in d if k not in ("period", "value", "numerator", "denominator", "coverage"))
    return {(int(k), str(p)[:7]): (int(x), int(y)) for k, p, x, y in
            zip(d[key], d["period"], d["numerator"], d["denominator"])}


def test_rate_by_dealer_month_matches_numpy(data):
    d = data
    t = kpi.rate(d["kept"], eligible=d["eligible"], by=d["dealer"], timestamps=d["ts"],
                 period="month", tz="UTC")
    want = oracle_counts(d["dealer"], d["ts"], d["kept"] & d["eligible"], d["eligible"])
    assert table_counts(t) == {k: v[:2] for k, v in want.items()}
    # Groups without an eligible row: present, no data, coverage 0.
    empty = [k for key, _, k in t.groups if key % 10 == 7]
    assert empty and all(k.value is None and k.coverage == 0.0 for k in empty)
    assert t.overall.denominator == d["eligible"].sum()
    # The same flags as a list and as 0/1 integers, timestamps as datetimes.
    same = kpi.rate(d["kept"].astype(np.int8), eligible=list(d["eligible"]), by=d["dealer"],
                    timestamps=d["ts"].astype("datetime64[s]"), period="month", tz="UTC")
    assert same.to_dict() == t.to_dict()


def test_csat_reads_any_rating_type(data):
    d = data
    group = {"by": d["dealer"], "timestamps": d["ts"], "period": "month", "tz": "UTC"}
    t = kpi.csat(d["rating"], **group)
    want = oracle_counts(d["dealer"], d["ts"], d["rating"] >= 4, np.ones(ROWS))
    assert table_counts(t) == {k: v[:2] for k, v in want.items()}
    for other in (d["rating"].astype(np.float64), d["rating"].astype(np.int64),
                  d["rating"].astype(np.float32)):
        assert kpi.csat(other, **group).to_dict() == t.to_dict()
    half = kpi.csat(d["rating"] - 0.5, satisfied_min=3.5, **group)
    assert half.to_dict() == t.to_dict()
    bad = d["rating"].astype(np.float64)
    bad[12_345] = np.nan
    bad[20_000] = np.inf
    with pytest.raises(nps.InvalidValueError) as e:
        kpi.csat(bad, **group)
    assert (e.value.argument, e.value.index) == ("ratings", 12_345)


def test_time_kpi_by_dealer_matches_numpy(data):
    d = data
    t = kpi.time_kpi(target_seconds=180, seconds=d["wait"], by=d["dealer"])
    groups = {key: k for key, _, k in t.groups}
    for dealer in (0, 17, 299):
        w = d["wait"][d["dealer"] == dealer]
        k = groups[dealer]
        assert k.n == len(w)
        assert k.mean == pytest.approx(w.mean(), rel=1e-12)
        assert k.median == np.percentile(w, 50)
        assert k.p90 == np.percentile(w, 90)
        assert k.within_target.numerator == (w <= 180).sum()
    # int64 seconds are read in place; other widths and floats convert.
    for other in (d["wait"].astype(np.int32), d["wait"].astype(np.float64), list(d["wait"][:10])):
        n = len(other)
        got = kpi.time_kpi(target_seconds=180, seconds=other, by=d["dealer"][:n])
        want = t if n == ROWS else kpi.time_kpi(target_seconds=180, seconds=d["wait"][:n],
                                                by=d["dealer"][:n])
        assert got.to_dict() == want.to_dict()


def test_time_kpi_by_dealer_month_and_bad_seconds(data):
    d = data
    group = {"by": d["dealer"], "timestamps": d["ts"], "period": "month", "tz": "UTC"}
    t = kpi.time_kpi(target_seconds=180, seconds=d["wait"], **group)
    m = months(d["ts"])
    sel = (d["dealer"] == 42) & (m == "2024-02")
    w = d["wait"][sel]
    (k,) = [k for key, p, k in t.groups if key == 42 and p == "2024-02"]
    assert (k.n, k.median, k.p90) == (len(w), np.percentile(w, 50), np.percentile(w, 90))
    assert sum(k.n for _, _, k in t.groups) == ROWS
    # A negative duration, or one no integer amount holds, names its row;
    # int64 and float columns fail alike.
    for bad_value, row in ((-3, 1_000), (9 * 10**15, 2_000)):
        for dtype in (np.int64, np.float64):
            bad = d["wait"].astype(dtype)
            bad[row] = bad_value
            bad[row + 5] = -1
            with pytest.raises(nps.InvalidValueError) as e:
                kpi.time_kpi(target_seconds=180, seconds=bad, **group)
            assert (e.value.argument, e.value.index) == ("seconds", row)
    # A timestamp out of range names its row before anything is grouped.
    ts = d["ts"].copy()
    ts[777] = 10**15
    with pytest.raises(nps.InvalidValueError) as e:
        kpi.time_kpi(target_seconds=180, seconds=d["wait"], by=d["dealer"], timestamps=ts,
                     period="month")
    assert (e.value.argument, e.value.index) == ("timestamps", 777)
