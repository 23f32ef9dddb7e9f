"""Grouped results merge, pickle, deduplicate per key or globally, keep or
drop missing keys, and say whether rolling windows are complete. Expected
values come from a naive oracle written here."""

import datetime as dt
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nps

pd = pytest.importorskip("pandas")

UTC = dt.timezone.utc


def oracle(rows, dedupe):
    """{(dealer, 'YYYY-MM'): [n, promoters, detractors]} after keeping each
    respondent's latest answer (a tie goes to the later row)."""
    keep = list(range(len(rows)))
    if dedupe:
        best = {}
        for i, (s, d, t, w) in enumerate(rows):
            ident = w if dedupe == "global" else (w, d, t.strftime("%Y-%m"))
            if ident not in best or rows[best[ident]][2] <= t:
                best[ident] = i
        keep = sorted(best.values())
    out = {}
    for i in keep:
        s, d, t, _ = rows[i]
        c = out.setdefault((d, t.strftime("%Y-%m")), [0, 0, 0])
        c[0] += 1
        c[1] += s >= 9
        c[2] += s <= 6
    return out, len(rows) - len(keep)


def frame(rows):
    return pd.DataFrame({
        "score": [r[0] for r in rows],
        "dealer": [r[1] for r in rows],
        "at": pd.Series([r[2] for r in rows], dtype="datetime64[ns, UTC]"),
        "who": [r[3] for r in rows],
    })


def as_oracle(g):
    return {(x.key, x.period): [x.tally.n, x.tally.promoters, x.tally.detractors] for x in g}


def run(df, dedupe):
    kw = dict(by="dealer", score="score", time="at", period="month", min_n=2)
    if dedupe:
        kw.update(respondent="who", dedupe=dedupe, mergeable=True)
    return nps.group_by(df, **kw)


row = st.tuples(
    st.integers(0, 10),
    st.sampled_from(["a", "b", "c"]),
    st.one_of(st.datetimes(dt.datetime(2025, 1, 1), dt.datetime(2025, 6, 30)),
              st.sampled_from([dt.datetime(2025, 3, 1, 12), dt.datetime(2025, 3, 1, 12, 0, 1)])
              ).map(lambda d: d.replace(tzinfo=UTC)),
    st.integers(0, 9),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(row, min_size=1, max_size=60), st.lists(st.integers(0, 60), max_size=3),
       st.sampled_from([None, "global", "per_key"]), st.booleans())
def test_merge_in_any_split_equals_one_pass(rows, cuts, dedupe, right_fold):
    df = frame(rows)
    one = run(df, dedupe)
    want, dropped = oracle(rows, dedupe)
    assert as_oracle(one) == want
    assert one.dropped_repeats == dropped
    bounds = sorted({0, len(rows), *(c % (len(rows) + 1) for c in cuts)})
    parts = [run(df.iloc[a:b], dedupe) for a, b in zip(bounds, bounds[1:])]
    if right_fold:
        merged = parts[-1]
        for p in reversed(parts[:-1]):
            merged = p.merge(merged)
    else:
        merged = parts[0]
        for p in parts[1:]:
            merged = merged + p
    assert merged.to_dict() == one.to_dict()
    assert merged.dropped_repeats == one.dropped_repeats
    back = pickle.loads(pickle.dumps(merged))
    assert back.to_dict() == one.to_dict()
    assert (back.dedupe, back.tz, back.mergeable) == (merged.dedupe, "UTC", True)


def test_dedupe_per_key_and_global():
    at = [dt.datetime(2025, 1, d, tzinfo=UTC) for d in (1, 2, 1, 3)]
    df = pd.DataFrame({"dealer": ["x", "y", "x", "x"], "score": [10, 0, 3, 9],
                       "who": [1, 1, 2, 2], "at": at})
    g = nps.group_by(df, by="dealer", score="score", time="at", respondent="who")
    assert [(x.key, x.tally.n) for x in g] == [("x", 1), ("y", 1)]
    assert (g.dedupe, g.dropped_repeats) == ("global", 2)
    g = nps.group_by(df, by="dealer", score="score", time="at", respondent="who", dedupe="per_key")
    assert [(x.key, x.tally.n) for x in g] == [("x", 2), ("y", 1)]
    assert g.dropped_repeats == 1
    with pytest.raises(nps.InvalidArgumentError, match="needs timestamps"):
        nps.group_by(df, by="dealer", score="score", respondent="who")
    with pytest.raises(nps.InvalidArgumentError, match="dedupe"):
        nps.group_by(df, by="dealer", score="score", time="at", respondent="who", dedupe="latest")


def test_dropna_keeps_or_counts_missing_keys():
    df = pd.DataFrame({"dealer": ["x", None, "x", "y"], "advisor": ["a", "b", None, "a"],
                       "score": [10, 0, 9, 7]})
    g = nps.group_by(df, by=["dealer", "advisor"], score="score")
    assert [x.key for x in g] == [("x", "a"), ("y", "a")]
    assert g.skipped_keys == 2
    g = nps.group_by(df, by=["dealer", "advisor"], score="score", dropna=False)
    assert [x.key for x in g] == [("x", "a"), ("x", None), ("y", "a"), (None, "b")]
    assert g.skipped_keys == 0
    t = g.to_pandas()
    assert t["dealer"].isna().tolist() == [False, False, False, True]
    assert t["advisor"].isna().tolist() == [False, True, False, False]


def test_merge_refuses_what_does_not_merge():
    df = pd.DataFrame({"dealer": ["x", "y"], "score": [10, 0],
                       "at": pd.to_datetime(["2025-01-01", "2025-01-02"]).tz_localize("UTC"),
                       "who": [1, 2]})
    a = nps.group_by(df, by="dealer", score="score", time="at", period="month")
    b = nps.group_by(df, by="dealer", score="score", time="at", period="month", tz="Asia/Shanghai")
    with pytest.raises(nps.InvalidArgumentError, match="time zones"):
        a.merge(b)
    with pytest.raises(nps.InvalidArgumentError, match="rolling"):
        a.merge(a.rolling(2))
    d = nps.group_by(df, by="dealer", score="score", time="at", respondent="who")
    assert not d.mergeable
    with pytest.raises(nps.InvalidArgumentError, match="mergeable"):
        d + d
    with pytest.raises(TypeError):
        a + 1
    renamed = nps.group_by(df.rename(columns={"dealer": "site"}), by="site", score="score", time="at",
                           period="month")
    with pytest.raises(nps.InvalidArgumentError, match="named"):
        a.merge(renamed)
    with pytest.raises(TypeError):
        1 + a
    # sum() merges a list of parts (0 + part is the part).
    parts = [nps.group_by(["x", "y"][: i + 1], [10, 0][: i + 1]) for i in range(2)]
    assert sum(parts).to_dict() == nps.group_by(["x", "x", "y"], [10, 10, 0]).to_dict()


def test_rolling_windows_say_whether_complete():
    at = [dt.datetime(2025, m, 2, tzinfo=UTC) for m in (1, 2, 3, 4)]
    g = nps.group_by(None, [10, 0, 10, 9], timestamps=at, period="month", window=3)
    assert [x.complete for x in g] == [False, False, True, True]
    assert g.to_dict()["complete"] == [False, False, True, True]
    assert "complete" not in nps.group_by(None, [10], timestamps=at[:1], period="month").to_dict()


def test_interval_chosen_at_group_by_is_the_tables_default():
    g = nps.group_by(["a"] * 40, [10] * 20 + [0] * 10 + [8] * 10, interval="wald", confidence=0.9)
    t = nps.Tally.from_scores([10] * 20 + [0] * 10 + [8] * 10)
    ci = t.interval("wald", 0.9)
    assert (g.to_dict()["low"][0], g.to_dict()["high"][0]) == (ci.low, ci.high)
    ci = t.interval("score", 0.95)
    assert g.to_dict(interval="score", confidence=0.95)["low"] == [ci.low]
    assert pickle.loads(pickle.dumps(g)).to_dict() == g.to_dict()


def test_group_pickles_and_tampered_states_raise():
    g = nps.group_by(["a", "b"], [10, 0])
    assert pickle.loads(pickle.dumps(g[0])) == g[0]
    state = g.__reduce__()[1][0]
    bad = state.replace(b'"min_n":30', b'"min_n":1')
    with pytest.raises(nps.InvalidArgumentError, match="state"):
        nps.GroupResult._from_state(bad)
    with pytest.raises(nps.InvalidArgumentError, match="state"):
        nps.GroupResult._from_state(b"\xff")
