"""Values and results pickle exactly (through nps-core saved states), and a
state of another kind or a tampered one raises a typed error."""

import pickle

import pytest

import nps


def roundtrip(x):
    return pickle.loads(pickle.dumps(x, protocol=pickle.HIGHEST_PROTOCOL))


def test_tally_and_weighted_tally():
    t = nps.Tally.from_scores([10, 9, 3, 7], invalid="skip")
    assert roundtrip(t) == t and roundtrip(t).nps == t.nps
    w = nps.Tally.from_scores([10, 0, 9], weights=[1.5, 0.5, 2.0])
    assert roundtrip(w) == w
    assert roundtrip(w).effective_n == w.effective_n


def test_small_values():
    stars = nps.Scale(detractors=(1, 3), passives=(4, 4), promoters=(5, 5))
    assert roundtrip(stars) == stars
    m = nps.Money(12345, "CNY")
    assert roundtrip(m) == m
    i = nps.Tally.from_scores([10, 9, 3, 7]).interval("bayes", 0.9)
    assert roundtrip(i) == i
    r = nps.compare(nps.Tally.from_scores([10] * 5 + [0] * 3), nps.Tally.from_scores([9] * 2 + [1] * 6))
    assert roundtrip(r) == r


def test_state_of_another_kind_or_tampered():
    g = nps.group_by(["a", "b"], [10, 0])
    state = g.__reduce__()[1][0]
    with pytest.raises(nps.InvalidArgumentError, match="does not load as"):
        nps.Group._from_state(state)
    with pytest.raises(nps.InvalidArgumentError, match="version 2"):
        nps.GroupResult._from_state(state.replace(b'"nps_state":1', b'"nps_state":2'))
    with pytest.raises(nps.InvalidArgumentError, match="state"):
        nps.GroupResult._from_state(state[:-3])
