"""nps.Tally: construction, properties, merging, equality, repr, pickling."""

from __future__ import annotations

import json
import math
import pickle

import pytest

import nps

Z95 = 1.959963984540054  # NormalDist().inv_cdf(0.975)


def test_textbook_123() -> None:
    # Counts (1, 2, 3): NPS 2/6 = 33.33; V = p + d - (p - d)^2 = 1/2 + 1/6 - 1/9 = 5/9.
    t = nps.Tally(detractors=1, passives=2, promoters=3)
    assert (t.n, t.detractors, t.passives, t.promoters) == (6, 1, 2, 3)
    assert abs(t.nps - 100 / 3) < 1e-12
    assert abs(t.variance - 5 / 9 * 1e4) < 1e-9
    assert abs(t.se - 100 * math.sqrt(5 / 9 / 6)) < 1e-12
    assert t.shares == pytest.approx((1 / 6, 2 / 6, 3 / 6), abs=1e-15)
    assert abs(t.margin_of_error() - Z95 * t.se) < 1e-9
    assert t.counts is None and not t.weighted and t.effective_n == 6.0 and t.skipped == 0
    with pytest.raises(nps.NoDataError):
        t.mean  # no per-score detail


def test_from_counts_and_mean() -> None:
    t = nps.Tally.from_counts([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3])  # 0, 10, 10, 10
    assert t.counts == (1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3)
    assert isinstance(t.counts, tuple)
    assert (t.mean, t.nps) == (7.5, 50.0)


def test_bad_counts() -> None:
    with pytest.raises(nps.InvalidArgumentError) as e:
        nps.Tally.from_counts([1, 2, 3])
    assert e.value.argument == "counts"
    with pytest.raises(nps.InvalidArgumentError) as e:
        nps.Tally.from_counts([1] * 10 + [-1])
    assert e.value.argument == "counts"
    with pytest.raises(nps.InvalidArgumentError) as e:
        nps.Tally(detractors=-1)
    assert e.value.argument == "detractors"


def test_empty_tally_reports_no_data() -> None:
    t = nps.Tally()
    assert t.n == 0 and t.counts == (0,) * 11
    for name in ("nps", "variance", "se", "mean", "shares"):
        with pytest.raises(nps.NoDataError):
            getattr(t, name)
    with pytest.raises(nps.NoDataError):
        t.interval()
    with pytest.raises(nps.NoDataError):
        t.margin_of_error()
    assert t.to_dict()["nps"] is None


def test_merge() -> None:
    a = nps.Tally.from_scores([10, 9, 0])
    b = nps.Tally.from_scores([7, 10])
    c = a + b
    assert c.counts == (1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 2)
    assert c == nps.Tally.from_scores([10, 9, 0, 7, 10])
    assert sum([a, b], nps.Tally()) == c
    assert sum([a, b]) == c
    assert a + nps.Tally() == a and nps.Tally() + a == a
    # With a tally of category counts the score detail is lost.
    m = a + nps.Tally(1, 1, 1)
    assert m.counts is None and (m.detractors, m.passives, m.promoters) == (2, 1, 3)
    with pytest.raises(TypeError):
        a + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        1 + a  # typed `int` for sum()'s sake; only 0 works at runtime


def test_merge_adds_skipped() -> None:
    a = nps.Tally.from_scores([9, math.nan], invalid="skip")
    b = nps.Tally.from_scores([None, None, 3], invalid="skip")
    assert (a + b).skipped == 3


def test_weighted_merge() -> None:
    w = nps.Tally.from_scores([10, 0], weights=[3.0, 1.0])
    p = nps.Tally.from_scores([9])  # weighs 1
    m = w + p
    assert m.weighted and m.n == 3
    assert m.category_weights == (1.0, 0.0, 4.0)
    assert abs(m.nps - 60.0) < 1e-12  # (4 - 1) / 5
    assert p + w == m
    with pytest.raises(nps.InvalidArgumentError) as e:  # nps-core's merge rule
        w + nps.Tally(1, 0, 0)
    assert e.value.argument == "tally"


def test_equality_and_hash() -> None:
    a = nps.Tally.from_scores([9, 10, 3])
    b = nps.Tally.from_counts([0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1])
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != nps.Tally(1, 0, 2)  # same categories, but one has score detail
    assert a != nps.Tally.from_scores([9, 10, 3, math.nan], invalid="skip")  # skipped differs
    assert a != "Tally"


@pytest.mark.parametrize(
    "t",
    [
        nps.Tally(),
        nps.Tally(1, 2, 3),
        nps.Tally(4, 0, 1, skipped=2),
        nps.Tally.from_scores([10, 9, 8, 0]),
        nps.Tally.from_scores([10, None], invalid="skip"),
        nps.Tally.from_scores([10, 9, 0], weights=[0.5, 1.25, 2.0]),
    ],
    ids=["empty", "categories", "categories_skipped", "scores", "scores_skipped", "weighted"],
)
def test_repr_pickle_json_roundtrip(t: nps.Tally) -> None:
    assert eval(repr(t), {"Tally": nps.Tally}) == t
    assert repr(t).startswith("Tally")
    assert pickle.loads(pickle.dumps(t)) == t
    assert nps.Tally.from_json(t.to_json()) == t
    d = t.to_dict()
    assert (d["n"], d["skipped"], d["weighted"]) == (t.n, t.skipped, t.weighted)


def test_repr_examples() -> None:
    assert repr(nps.Tally(1, 2, 3)) == "Tally(detractors=1, passives=2, promoters=3)"
    assert repr(nps.Tally.from_scores([10])) == "Tally.from_counts([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])"


def test_from_json_rejects_inconsistent_data() -> None:
    good = json.loads(nps.Tally.from_scores([9, 10]).to_json())
    bad = json.loads(json.dumps(good))
    bad["tally"]["categories"]["promoters"] = 5  # does not match the score counts
    with pytest.raises(nps.InvalidArgumentError):
        nps.Tally.from_json(json.dumps(bad))
    w = json.loads(nps.Tally.from_scores([9], weights=[1.0]).to_json())
    w["tally"]["weights"][9] = -1.0
    with pytest.raises(nps.InvalidArgumentError):
        nps.Tally.from_json(json.dumps(w))
    with pytest.raises(nps.InvalidArgumentError):
        nps.Tally.from_json("{}")


def test_frozen() -> None:
    t = nps.Tally(1, 2, 3)
    with pytest.raises(AttributeError):
        t.n = 5  # type: ignore[misc]
    ci = t.interval()
    with pytest.raises(AttributeError):
        ci.low = 0.0  # type: ignore[misc]


def test_to_dict() -> None:
    d = nps.Tally.from_scores([10, 0]).to_dict()
    assert d == {
        "n": 2,
        "detractors": 1,
        "passives": 0,
        "promoters": 1,
        "counts": (1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
        "skipped": 0,
        "weighted": False,
        "effective_n": 2.0,
        "category_weights": None,
        "nps": 0.0,
    }


def test_weighted_properties() -> None:
    # Scores 10, 0, 9 with weights 2, 1, 1 (hand): weighted shares d = 1/4, p = 3/4.
    t = nps.Tally.from_scores([10, 0, 9], weights=[2, 1, 1])
    assert t.weighted and t.n == 3 and (t.detractors, t.passives, t.promoters) == (1, 0, 2)
    assert t.category_weights == (1.0, 0.0, 3.0)
    assert t.counts == (1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1)
    assert abs(t.nps - 50.0) < 1e-12
    assert abs(t.mean - (20 + 0 + 9) / 4) < 1e-12
    assert abs(t.effective_n - 16 / 6) < 1e-12
